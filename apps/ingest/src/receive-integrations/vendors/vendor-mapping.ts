import { createHash } from 'node:crypto';
import type { IntegrationRow } from '@orgpulse/persistence';
import type { Headers } from '../vendor-signature';

/** A verified delivery: its headers, its parsed body, and when it arrived. */
export interface VendorDelivery {
  headers: Headers;
  payload: unknown;
  receivedAt: Date;
}

/** An orgpulse event as the mapping builds it; validated by the rules of §2 before it is sent. */
export interface MappedEvent {
  id: string;
  type: string;
  occurredAt: string;
  source: string;
  data: Record<string, unknown>;
}

export type Mapping =
  | { vendorDeliveryId?: string; events: MappedEvent[]; said: string }
  | { vendorDeliveryId?: string; ignored: string; help?: string };

export type VendorMapper = (integration: IntegrationRow, delivery: VendorDelivery) => Mapping;

export const DEFAULT_BLOCKED_LABEL = 'team-blocked';
export const MAX_EVENT_ID_CHARS = 128;

/** A value inside untrusted JSON, or undefined: vendors' payloads are read defensively. */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = Object.prototype.hasOwnProperty.call(current, key)
      ? (current as Record<string, unknown>)[key]
      : undefined;
  }
  return current;
}

export const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

export const idText = (value: unknown): string | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : text(value);

export const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return text(Array.isArray(value) ? value[0] : value);
};

/** The team a vendor's source (repository, project, channel...) is mapped to; `match` is exact. */
export const teamOf = (integration: IntegrationRow, source: string | undefined): string | undefined =>
  source === undefined ? undefined : integration.teamMappings.find((m) => m.match === source)?.teamId;

/**
 * An event id derived from the vendor's own ids, so a redelivery or a backfill counts once. Ids that
 * would pass the contract's 128 characters (long repository names) are replaced by their digest.
 */
export function vendorEventId(vendor: string, ...parts: string[]): string {
  const id = [vendor, ...parts].join(':');
  if (id.length <= MAX_EVENT_ID_CHARS) return id;
  return `${vendor}:sha256:${createHash('sha256').update(id, 'utf8').digest('hex')}`;
}

/** An RFC 3339 UTC timestamp from a vendor's time, or undefined if it is not one. */
export function timestampOf(value: unknown): string | undefined {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

export const ignored = (reason: string, vendorDeliveryId?: string): Mapping => ({
  ignored: reason,
  vendorDeliveryId,
});

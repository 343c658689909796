import { type AcceptedEvent, EVENT_VERSION } from './event-catalog';
import { validateEvents } from './validate-events';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ParsedRecord = { ok: true; event: AcceptedEvent } | { ok: false; error: string };

/**
 * Reads an accepted event back from a Kafka record value. Records are validated again at this edge:
 * anything may have been produced to the topic.
 */
export function parseAcceptedEvent(value: Buffer | string | null): ParsedRecord {
  if (value === null) return { ok: false, error: 'record has no value' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    return { ok: false, error: `value is not JSON: ${(error as Error).message}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, error: 'value is not a JSON object' };
  }
  const { orgId, ingestedAt, version, ...envelope } = parsed as Record<string, unknown>;
  if (typeof orgId !== 'string' || !UUID.test(orgId))
    return { ok: false, error: 'orgId is missing or not a UUID' };
  if (version !== EVENT_VERSION) return { ok: false, error: `version must be ${EVENT_VERSION}` };
  const ingestedAtMs = typeof ingestedAt === 'string' ? Date.parse(ingestedAt) : Number.NaN;
  if (Number.isNaN(ingestedAtMs)) return { ok: false, error: 'ingestedAt is missing or not a timestamp' };

  const result = validateEvents([envelope], new Date(ingestedAtMs));
  if (!result.ok) {
    return { ok: false, error: result.problems.map((p) => `${p.path || '(event)'} ${p.message}`).join('; ') };
  }
  return { ok: true, event: { ...result.events[0], orgId, ingestedAt, version } as AcceptedEvent };
}

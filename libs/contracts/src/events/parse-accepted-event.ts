import { isUuid } from '../ids/uuid';
import { type AcceptedEvent, EVENT_VERSION, isEventType } from './event-catalog';
import { readIdentityTraits } from './event-identity';
import { parseTimestamp } from './event-timestamp';
import { printable } from './storable-values';
import { validateEvents } from './validate-events';

// Invalid UTF-8 would otherwise become U+FFFD silently: the stored event would not be the one produced.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The header of a record whose event was validated with these rules before it was produced (by ingest or
 * the import command), and its value. Change the value whenever the rules change, so that records checked
 * by other rules are validated again.
 */
export const VALIDATED_HEADER = 'orgpulse-validated';
export const VALIDATED_BY = `event-v${EVENT_VERSION}-rules-1`;

export type ParsedRecord = { ok: true; event: AcceptedEvent } | { ok: false; error: string };

/**
 * Reads an accepted event back from a Kafka record value. Records are validated again at this edge, with
 * the same rules as ingest: anything may have been produced to the topic, and what the event store cannot
 * hold must be dead-lettered here rather than fail its batch forever. A record marked `validated` (it
 * carries VALIDATED_HEADER: VALIDATED_BY) is trusted with its event's content and only has its shape
 * checked, what the store and the read models rely on: validating again was half of its parsing cost.
 */
export function parseAcceptedEvent(value: Buffer | string | null, validated = false): ParsedRecord {
  const parsed = parseRecord(value, validated);
  // the error may be stored and sent as a header: it must never carry what it complains about
  return parsed.ok ? parsed : { ok: false, error: printable(parsed.error) };
}

function parseRecord(value: Buffer | string | null, validated: boolean): ParsedRecord {
  if (value === null) return { ok: false, error: 'record has no value' };
  let text: string;
  try {
    text = typeof value === 'string' ? value : utf8.decode(value);
  } catch {
    return { ok: false, error: 'value is not valid UTF-8' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `value is not JSON: ${(error as Error).message}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, error: 'value is not a JSON object' };
  }
  const record = parsed as Record<string, unknown>;
  if (typeof record.orgId !== 'string' || !isUuid(record.orgId))
    return { ok: false, error: 'orgId is missing or not a UUID' };
  if (record.version !== EVENT_VERSION) return { ok: false, error: `version must be ${EVENT_VERSION}` };
  if (typeof record.ingestedAt !== 'string')
    return { ok: false, error: 'ingestedAt is missing or not a string' };
  const error = validated ? shapeProblem(record) : contentProblem(record);
  // valid, the record is the accepted event as it is: copying it into another object cost more than the checks
  return error === undefined ? { ok: true, event: parsed as AcceptedEvent } : { ok: false, error };
}

/** A validated record's envelope, as the store and the folds read it. */
function shapeProblem({ id, type, occurredAt, source, data }: Record<string, unknown>): string | undefined {
  const problems = [
    typeof id === 'string' && id !== '' ? '' : 'id must be a non-empty string',
    isEventType(type) ? '' : 'type is not a known event type',
    typeof occurredAt === 'string' ? '' : 'occurredAt must be a string',
    source === undefined || typeof source === 'string' ? '' : 'source must be a string',
    data !== null && typeof data === 'object' && !Array.isArray(data) ? '' : 'data must be an object',
  ].filter((p) => p !== '');
  return problems.length === 0 ? undefined : `marked ${VALIDATED_BY} but ${problems.join('; ')}`;
}

/** Everything ingest checks, as ingest checks it, against the time the record was ingested. */
function contentProblem(record: Record<string, unknown>): string | undefined {
  const {
    orgId: _org,
    ingestedAt,
    version: _version,
    idScope,
    traceparent,
    tracestate,
    ...envelope
  } = record;
  const ingested = parseTimestamp(ingestedAt as string);
  if (!ingested.ok) return `ingestedAt ${ingested.problem}`;

  const traits = readIdentityTraits({ idScope, traceparent, tracestate }, envelope.source);
  if (!traits.ok) return traits.problems.join('; ');

  const result = validateEvents([envelope], new Date(ingested.ms));
  if (!result.ok) return result.problems.map((p) => `${p.path || '(event)'} ${p.message}`).join('; ');
  return undefined;
}

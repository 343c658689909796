import { type AcceptedEvent, EVENT_VERSION } from './event-catalog';
import { readIdentityTraits } from './event-identity';
import { parseTimestamp } from './event-timestamp';
import { printable } from './storable-values';
import { validateEvents } from './validate-events';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Invalid UTF-8 would otherwise become U+FFFD silently: the stored event would not be the one produced.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export type ParsedRecord = { ok: true; event: AcceptedEvent } | { ok: false; error: string };

/**
 * Reads an accepted event back from a Kafka record value. Records are validated again at this edge, with
 * the same rules as ingest: anything may have been produced to the topic, and what the event store cannot
 * hold must be dead-lettered here rather than fail its batch forever.
 */
export function parseAcceptedEvent(value: Buffer | string | null): ParsedRecord {
  const parsed = parseRecord(value);
  // the error may be stored and sent as a header: it must never carry what it complains about
  return parsed.ok ? parsed : { ok: false, error: printable(parsed.error) };
}

function parseRecord(value: Buffer | string | null): ParsedRecord {
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
  const { orgId, ingestedAt, version, idScope, traceparent, tracestate, ...envelope } = parsed as Record<
    string,
    unknown
  >;
  if (typeof orgId !== 'string' || !UUID.test(orgId))
    return { ok: false, error: 'orgId is missing or not a UUID' };
  if (version !== EVENT_VERSION) return { ok: false, error: `version must be ${EVENT_VERSION}` };
  if (typeof ingestedAt !== 'string') return { ok: false, error: 'ingestedAt is missing or not a string' };
  const ingested = parseTimestamp(ingestedAt);
  if (!ingested.ok) return { ok: false, error: `ingestedAt ${ingested.problem}` };

  const traits = readIdentityTraits({ idScope, traceparent, tracestate }, envelope.source);
  if (!traits.ok) return { ok: false, error: traits.problems.join('; ') };

  const result = validateEvents([envelope], new Date(ingested.ms));
  if (!result.ok) {
    return { ok: false, error: result.problems.map((p) => `${p.path || '(event)'} ${p.message}`).join('; ') };
  }
  // valid, the record is the accepted event as it is: copying it into another object cost more than the checks
  return { ok: true, event: parsed as AcceptedEvent };
}

/**
 * Contract §11. A native event is identified by its id within the org; a CloudEvent by its source and
 * id (CloudEvents 1.0), which ingest marks with `idScope: 'source'`. The trace context a CloudEvent
 * carries (the Distributed Tracing extension's `traceparent` and `tracestate`) is kept with the event.
 * None of these can be posted in a native envelope: ingest sets them, and the projector reads them
 * back from the record with the rules below.
 */
export interface EventIdentityTraits {
  /** `source`: the id is unique within the event's source (a CloudEvent); absent: within the org. */
  idScope?: 'source';
  traceparent?: string;
  tracestate?: string;
}

/** W3C Trace Context: version-traceid-parentid-flags, lower-case hex (a later version may append fields). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-[\x21-\x7e]*)?$/;
export const MAX_TRACEPARENT_CHARS = 256;
/** W3C asks carriers to keep at least 512 characters of tracestate; more is refused, not cut. */
export const MAX_TRACESTATE_CHARS = 512;
const TRACESTATE = /^[\x20-\x7e]*$/;

/** What is wrong with a traceparent, or undefined. */
export function traceparentProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > MAX_TRACEPARENT_CHARS) return `must be at most ${MAX_TRACEPARENT_CHARS} characters`;
  const match = TRACEPARENT.exec(value);
  if (!match || match[1] === 'ff' || (match[1] === '00' && match[4] !== undefined))
    return 'must be a W3C traceparent, e.g. 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  if (/^0+$/.test(match[2]) || /^0+$/.test(match[3]))
    return 'must not have an all-zero trace id or parent id';
  return undefined;
}

/** What is wrong with a tracestate, or undefined. */
export function tracestateProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > MAX_TRACESTATE_CHARS) return `must be at most ${MAX_TRACESTATE_CHARS} characters`;
  if (!TRACESTATE.test(value)) return 'must be printable ASCII (W3C tracestate)';
  return undefined;
}

/** The source an event's id is unique within: its source for a CloudEvent, '' (the org) for a native one. */
export const identitySourceOf = (event: EventIdentityTraits & { source?: string }): string =>
  event.idScope === 'source' ? (event.source ?? '') : '';

/**
 * The traits of an accepted record, checked as ingest set them: problems by field, or the traits.
 * `source` is the record's source: a CloudEvent's identity needs one.
 */
export function readIdentityTraits(
  raw: Readonly<Record<string, unknown>>,
  source: unknown,
): { ok: true; traits: EventIdentityTraits } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const traits: EventIdentityTraits = {};
  if (raw.idScope !== undefined) {
    if (raw.idScope !== 'source') problems.push('idScope must be "source" when given');
    else if (typeof source !== 'string' || source === '')
      problems.push('idScope "source" needs a non-empty source');
    else traits.idScope = 'source';
  }
  if (raw.traceparent !== undefined) {
    const problem = traceparentProblem(raw.traceparent);
    if (problem) problems.push(`traceparent ${problem}`);
    else traits.traceparent = raw.traceparent as string;
  }
  if (raw.tracestate !== undefined) {
    const problem = tracestateProblem(raw.tracestate);
    if (problem) problems.push(`tracestate ${problem}`);
    else traits.tracestate = raw.tracestate as string;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, traits };
}

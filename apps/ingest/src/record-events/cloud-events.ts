import {
  type EventEnvelope,
  type EventIdentityTraits,
  type EventProblem,
  type ValidationResult,
  findUnstorableValues,
  traceparentProblem,
  tracestateProblem,
  validateEvents,
} from '@orgpulse/contracts';

const CE_ATTRIBUTES: Record<string, string> = {
  id: 'id',
  type: 'type',
  time: 'occurredAt',
  source: 'source',
  data: 'data',
};
const CE_ATTRIBUTE_OF = Object.fromEntries(Object.entries(CE_ATTRIBUTES).map(([ce, field]) => [field, ce]));

/** A problem of the native envelope, said in the CloudEvent's own terms (occurredAt is its time). */
const toCloudEventPath = (path: string): string => {
  const [head, ...rest] = path.split('.');
  return [CE_ATTRIBUTE_OF[head] ?? head, ...rest].join('.');
};

/** CloudEvents' JSON media types: application/json, text/json, and any `+json` type (parameters aside). */
export const isJsonMediaType = (value: string): boolean => {
  const type = value.split(';')[0].trim().toLowerCase();
  return (
    type === 'application/json' || type === 'text/json' || /^[a-z0-9.+-]+\/[a-z0-9.+-]+\+json$/.test(type)
  );
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The JSON data a `data_base64` holds (JSON format §3.1), or what is wrong with it. */
function decodeBase64Data(
  event: Record<string, unknown>,
): { data: unknown } | { path: string; message: string } {
  if (event.data !== undefined)
    return { path: 'data_base64', message: 'must not be given with data (CloudEvents JSON format 3.1)' };
  const contentType = event.datacontenttype;
  if (contentType !== undefined && (typeof contentType !== 'string' || !isJsonMediaType(contentType)))
    return {
      path: 'datacontenttype',
      message: 'must be a JSON media type (or absent) for data_base64: events carry JSON data',
    };
  const encoded = event.data_base64;
  if (typeof encoded !== 'string' || !BASE64.test(encoded))
    return { path: 'data_base64', message: 'must be base64 (RFC 4648, with padding)' };
  try {
    return { data: JSON.parse(utf8.decode(Buffer.from(encoded, 'base64'))) as unknown };
  } catch {
    return { path: 'data_base64', message: 'must hold UTF-8 JSON' };
  }
}

/** The Distributed Tracing extension's attributes, kept with the event (contract §11). */
function traceContext(extensions: Readonly<Record<string, unknown>>): {
  traits: EventIdentityTraits;
  problems: { path: string; message: string }[];
} {
  const traits: EventIdentityTraits = {};
  const problems: { path: string; message: string }[] = [];
  for (const [name, check] of [
    ['traceparent', traceparentProblem],
    ['tracestate', tracestateProblem],
  ] as const) {
    const value = extensions[name];
    if (value === undefined) continue;
    const message = check(value);
    if (message !== undefined) problems.push({ path: name, message });
    else traits[name] = value as string;
  }
  return { traits, problems };
}

/**
 * Maps a structured-mode CloudEvent 1.0 onto the native envelope (contract §2), so both are
 * validated and recorded alike. Its identity is its source and id (§11): a source is required, and
 * the event is marked so. `data_base64` holding JSON stands for `data`; the trace context is kept;
 * other extension attributes are CloudEvents' own and are not carried, but what the event store
 * could not hold is refused in them too: one rule for the whole event.
 */
export function fromCloudEvent(
  input: unknown,
  index: number,
): { envelope?: unknown; traits?: EventIdentityTraits; problems: EventProblem[] } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { problems: [{ index, path: '', message: 'must be a CloudEvent JSON object' }] };
  }
  const event = input as Record<string, unknown>;
  const id = typeof event.id === 'string' ? event.id : undefined;
  if (event.specversion !== '1.0') {
    return { problems: [{ index, id, path: 'specversion', message: 'must be "1.0"' }] };
  }
  const envelope: Record<string, unknown> = {};
  // no prototype: an extension named __proto__ stays a plain key, and is refused as one
  const extensions = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(event)) {
    if (Object.prototype.hasOwnProperty.call(CE_ATTRIBUTES, key)) envelope[CE_ATTRIBUTES[key]] = event[key];
    else extensions[key] = event[key];
  }
  const problems = findUnstorableValues(extensions).map((p) => ({ index, id, ...p }));
  if (event.source === undefined || event.source === '')
    problems.push({
      index,
      id,
      path: 'source',
      message: 'is required: a CloudEvent is identified by source and id',
    });
  if (event.data_base64 !== undefined) {
    const decoded = decodeBase64Data(event);
    if ('data' in decoded) envelope.data = decoded.data;
    else problems.push({ index, id, ...decoded });
  }
  const trace = traceContext(extensions);
  problems.push(...trace.problems.map((p) => ({ index, id, ...p })));
  return { envelope, traits: { idScope: 'source', ...trace.traits }, problems };
}

/** Validates CloudEvents all or nothing, as native events, with every problem at its CloudEvent path. */
export function validateCloudEvents(inputs: readonly unknown[], now: Date): ValidationResult {
  const problems: EventProblem[] = [];
  const events: EventEnvelope[] = [];
  inputs.forEach((input, index) => {
    const mapped = fromCloudEvent(input, index);
    problems.push(...mapped.problems);
    if (mapped.envelope === undefined) return;
    const result = validateEvents([mapped.envelope], now);
    if (result.ok) events.push(...result.events.map((e) => ({ ...e, ...mapped.traits })));
    else problems.push(...result.problems.map((p) => ({ ...p, index, path: toCloudEventPath(p.path) })));
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, events };
}

/** The CloudEvents attributes of a binary-mode request: its `ce-*` headers, by attribute name. */
export type BinaryModeHeaders = Record<string, string | string[] | undefined>;

const BINARY_PREFIX = 'ce-';
const PERCENT_MESSAGE = 'is not valid percent-encoded UTF-8 (CloudEvents HTTP binding 3.1.3.2)';

/** Whether the request is a binary-mode CloudEvent: the binding's required header is there. */
export const isBinaryMode = (headers: BinaryModeHeaders): boolean =>
  headers[`${BINARY_PREFIX}specversion`] !== undefined;

/** Only the `ce-*` headers (names as Node gives them, lower case): nothing else travels with the events. */
export const binaryModeHeaders = (headers: BinaryModeHeaders): BinaryModeHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith(BINARY_PREFIX)));

/** A problem at an attribute is reported at the header that carries it; data stays `data`. */
const toHeaderPath = (path: string): string =>
  path === 'data' || path.startsWith('data.') ? path : `${BINARY_PREFIX}${path}`;

/**
 * Validates a binary-mode CloudEvent (HTTP binding 3.1): attributes from the `ce-*` headers,
 * percent-decoded, and the body as `data`. It is checked as the same CloudEvent in structured mode
 * would be, so every mode gives the same records and the same errors (at the header's name).
 */
export function validateBinaryCloudEvent(
  headers: BinaryModeHeaders,
  data: unknown,
  now: Date,
): ValidationResult {
  // no prototype: a header named ce-__proto__ stays a plain attribute, and is refused as one
  const event = Object.create(null) as Record<string, unknown>;
  const problems: EventProblem[] = [];
  for (const [name, raw] of Object.entries(headers)) {
    if (!name.startsWith(BINARY_PREFIX) || raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    try {
      event[name.slice(BINARY_PREFIX.length)] = decodeURIComponent(value);
    } catch {
      problems.push({ index: 0, path: name, message: PERCENT_MESSAGE });
    }
  }
  if (problems.length > 0) {
    const id = typeof event.id === 'string' ? event.id : undefined;
    return { ok: false, problems: problems.map((p) => ({ ...p, id })) };
  }
  event.data = data;
  const result = validateCloudEvents([event], now);
  return result.ok
    ? result
    : { ok: false, problems: result.problems.map((p) => ({ ...p, path: toHeaderPath(p.path) })) };
}

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import {
  type EventEnvelope,
  type EventType,
  eventDataSchemas,
  eventTypes,
  isEventType,
} from './event-catalog';
import { EventEnvelopeSchema, RFC3339_WITH_OFFSET } from './event-envelope.schema';
import { TIMESTAMP_FORMAT_MESSAGE, parseTimestamp } from './event-timestamp';
import { FORBIDDEN_KEY_MESSAGE, findUnstorableValues, printable } from './storable-values';

export interface EventProblem {
  index: number;
  id?: string;
  path: string;
  message: string;
}

export type ValidationResult =
  { ok: true; events: EventEnvelope[] } | { ok: false; problems: EventProblem[] };

export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

// Compiled once at module load: validation runs on the hot path of ingest.
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validateEnvelope = ajv.compile(EventEnvelopeSchema);
const validateData = Object.fromEntries(
  eventTypes.map((type) => [type, ajv.compile(eventDataSchemas[type])]),
) as Record<EventType, ValidateFunction>;
// top-level data fields that hold a timestamp: besides their pattern, their calendar and range are checked
// like occurredAt's (the catalog declares none deeper)
const timestampFields = Object.fromEntries(
  eventTypes.map((type) => [
    type,
    Object.entries(eventDataSchemas[type].properties as Record<string, { pattern?: string }>)
      .filter(([, schema]) => schema.pattern === RFC3339_WITH_OFFSET)
      .map(([name]) => name),
  ]),
) as Record<EventType, string[]>;

function toPath(prefix: string, error: ErrorObject): string {
  const segments = error.instancePath.split('/').slice(1);
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const extra = params.missingProperty ?? params.additionalProperty;
  if (extra !== undefined) segments.push(extra);
  return printable([prefix, ...segments].filter((s) => s !== '').join('.'));
}

function toMessage(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not an allowed field';
    case 'enum':
      return `must be one of ${(error.params as { allowedValues: string[] }).allowedValues.join(', ')}`;
    case 'pattern':
      return (error.params as { pattern?: string }).pattern === RFC3339_WITH_OFFSET
        ? TIMESTAMP_FORMAT_MESSAGE
        : (error.message ?? 'is invalid');
    default:
      return error.message ?? 'is invalid';
  }
}

function checkOccurredAt(occurredAt: string, now: Date): string | undefined {
  const at = parseTimestamp(occurredAt);
  if (!at.ok) return at.problem;
  if (at.ms - now.getTime() > MAX_FUTURE_SKEW_MS) return 'must not be more than 5 minutes in the future';
  return undefined;
}

function validateOne(input: unknown, index: number, now: Date): EventProblem[] {
  const id =
    input !== null && typeof input === 'object' && typeof (input as { id?: unknown }).id === 'string'
      ? (input as { id: string }).id
      : undefined;
  const problem = (path: string, message: string): EventProblem => ({ index, id, path, message });

  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return [problem('', 'must be a JSON object')];
  }
  const problems = findUnstorableValues(input).map((p) => problem(p.path, p.message));
  if (problems.some((p) => p.message === FORBIDDEN_KEY_MESSAGE)) return problems;

  if (!validateEnvelope(input)) {
    for (const e of validateEnvelope.errors ?? []) problems.push(problem(toPath('', e), toMessage(e)));
  }
  const event = input as Partial<EventEnvelope> & Record<string, unknown>;
  if (typeof event.type === 'string' && !isEventType(event.type)) {
    problems.push(problem('type', `is not a known event type; expected one of ${eventTypes.join(', ')}`));
  }
  if (isEventType(event.type) && event.data !== null && typeof event.data === 'object') {
    const validate = validateData[event.type];
    if (!validate(event.data)) {
      for (const e of validate.errors ?? []) problems.push(problem(toPath('data', e), toMessage(e)));
    } else {
      const data = event.data as Record<string, unknown>;
      for (const field of timestampFields[event.type]) {
        const at = typeof data[field] === 'string' ? parseTimestamp(data[field]) : undefined;
        if (at?.ok === false) problems.push(problem(`data.${field}`, at.problem));
      }
    }
  }
  if (event.type === 'coaching.plan-set' && problems.length === 0) {
    const names = (event.data as EventEnvelope<'coaching.plan-set'>['data']).competencies.map((c) => c.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) < i)
        problems.push(
          problem(
            `data.competencies.${i}.name`,
            `must be unique in the plan: "${printable(name)}" is already named`,
          ),
        );
    });
  }
  if (typeof event.occurredAt === 'string' && !problems.some((p) => p.path === 'occurredAt')) {
    const message = checkOccurredAt(event.occurredAt, now);
    if (message !== undefined) problems.push(problem('occurredAt', message));
  }
  return problems;
}

/** All-or-nothing validation of a request's events (contract §2): every problem is reported. */
export function validateEvents(inputs: readonly unknown[], now: Date): ValidationResult {
  const problems = inputs.flatMap((input, index) => validateOne(input, index, now));
  return problems.length === 0 ? { ok: true, events: inputs as EventEnvelope[] } : { ok: false, problems };
}

import { type EventType, eventDataSchemas, eventTypes } from '../events/event-catalog';
import { EventEnvelopeSchema, RFC3339_WITH_OFFSET } from '../events/event-envelope.schema';

export type JsonSchema = Record<string, unknown>;

export const SCHEMA_BASE_ID = 'https://orgpulse.dev/schemas/v1';

/** A plain JSON copy (TypeBox schemas carry symbol-keyed metadata). */
const plain = (schema: unknown): JsonSchema => JSON.parse(JSON.stringify(schema)) as JsonSchema;

const RULES_BEYOND_SCHEMA =
  'Also enforced: occurredAt is a real calendar date and at most 5 minutes in the future, with a UTC offset of at ' +
  'most ±15:59 and within the years 0001 to 9999 as written and in UTC; no key anywhere may be __proto__, ' +
  'constructor or prototype; no string or key anywhere may contain U+0000 or an unpaired UTF-16 surrogate; ' +
  'objects and arrays nest at most 32 levels. Unknown fields in data are kept but not interpreted.';

/** The native envelope of one event type, as a standalone JSON Schema (draft-07). */
export function eventJsonSchema(type: EventType): JsonSchema {
  const envelope = plain(EventEnvelopeSchema) as { properties: JsonSchema };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_BASE_ID}/events/${type}.json`,
    title: type,
    description: RULES_BEYOND_SCHEMA,
    type: 'object',
    additionalProperties: false,
    required: ['id', 'type', 'occurredAt', 'data'],
    properties: {
      ...envelope.properties,
      type: { const: type },
      occurredAt: { type: 'string', pattern: RFC3339_WITH_OFFSET, maxLength: 40, description: 'RFC 3339 with offset' },
      data: plain(eventDataSchemas[type]),
    },
  };
}

/** Any v1 event: what one element of a POST /v1/events body must be. */
export function anyEventJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_BASE_ID}/event.json`,
    title: 'orgpulse event (v1)',
    description: RULES_BEYOND_SCHEMA,
    oneOf: eventTypes.map((type) => ({ $ref: `events/${type}.json` })),
  };
}

/** Every schema file under docs/schemas, by relative path. */
export function contractSchemaFiles(): Record<string, JsonSchema> {
  return {
    'event.json': anyEventJsonSchema(),
    ...Object.fromEntries(eventTypes.map((type) => [`events/${type}.json`, eventJsonSchema(type)])),
  };
}

import { Type } from '@sinclair/typebox';

// RFC 3339 with a mandatory offset; calendar validity is checked separately.
export const RFC3339_WITH_OFFSET =
  '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$';

export const EventEnvelopeSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128 }),
    // checked against the catalog separately, for a message that lists the known types
    type: Type.String({ minLength: 1, maxLength: 128 }),
    occurredAt: Type.String({ pattern: RFC3339_WITH_OFFSET, maxLength: 40 }),
    source: Type.Optional(Type.String({ maxLength: 200 })),
    data: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: false },
);

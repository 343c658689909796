import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { anyEventJsonSchema, eventJsonSchema, eventTypes } from '@orgpulse/contracts';
import { MAX_EVENTS_PER_REQUEST, eventContentTypes } from './parse-event-body';

const eventSchemas = eventTypes.map((type) => {
  const { $schema: _schema, $id: _id, ...schema } = eventJsonSchema(type);
  return schema;
});
const { description: eventRules } = anyEventJsonSchema();

const errorBody = {
  type: 'object',
  required: ['errors'],
  properties: {
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', example: 'INVALID_EVENTS' },
          index: { type: 'integer', description: 'position of the event in the request' },
          id: { type: 'string', description: 'the event id, when it has one' },
          path: { type: 'string', example: 'data.headcount' },
          message: { type: 'string' },
        },
      },
    },
  },
};
const binaryModeHeaders: [string, string][] = [
  ['ce-specversion', 'Binary-mode CloudEvent: "1.0". Its presence selects binary mode.'],
  ['ce-id', 'Binary mode: the event id (required)'],
  ['ce-type', 'Binary mode: the event type (required)'],
  ['ce-time', 'Binary mode: occurredAt, RFC 3339 (required)'],
  ['ce-source', "Binary mode: the source (required): with ce-id, the event's identity"],
  ['ce-traceparent', 'Binary mode: W3C traceparent (Distributed Tracing extension), kept with the event'],
  ['ce-tracestate', 'Binary mode: W3C tracestate, at most 512 characters, kept with the event'],
];
const retryAfter = {
  'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer' } },
};

/** The OpenAPI description of POST /v1/events, built from the event catalog. */
export const RecordEventsApiDocs = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Record events',
      description:
        `One event or an array of 1..${MAX_EVENTS_PER_REQUEST}, at most 1 MiB. Validation is all or nothing. ` +
        `202 only once Kafka holds every event (acks=all). CloudEvents 1.0 (structured and batch) map id, type, ` +
        `time→occurredAt, source and data onto the native envelope. In binary mode (a ce-specversion header, ` +
        `Content-Type: application/json) the attributes are the percent-encoded ce-* headers ` +
        `and the body is data; problems in them are reported at the header's name, e.g. ce-id. A CloudEvent is ` +
        `identified by its source (required) and id, a native event by its id within the org (contract §11); ` +
        `data_base64 holding JSON stands for data; traceparent and tracestate are kept with the event. ` +
        `A body over 1 MiB is read to its end (up to 32 MiB more) and then refused with 413. ${String(eventRules)}`,
    }),
    ...binaryModeHeaders.map(([name, description]) => ApiHeader({ name, required: false, description })),
    ApiBearerAuth('ingestKey'),
    ApiConsumes(...eventContentTypes),
    ApiBody({
      schema: {
        oneOf: [
          { oneOf: eventSchemas },
          { type: 'array', minItems: 1, maxItems: MAX_EVENTS_PER_REQUEST, items: { oneOf: eventSchemas } },
        ],
      },
    }),
    ApiResponse({
      status: 202,
      description: 'Every event is durably on Kafka',
      schema: { type: 'object', properties: { accepted: { type: 'integer' } } },
    }),
    ApiResponse({
      status: 400,
      description: 'Malformed body or invalid events; nothing was accepted',
      schema: errorBody,
    }),
    ApiResponse({ status: 401, description: 'Missing, unknown or revoked ingest key', schema: errorBody }),
    ApiResponse({ status: 413, description: 'Body over 1 MiB', schema: errorBody }),
    ApiResponse({ status: 415, description: 'Unsupported Content-Type', schema: errorBody }),
    ApiResponse({
      status: 429,
      description: 'Rate limited for this key',
      schema: errorBody,
      headers: retryAfter,
    }),
    ApiResponse({
      status: 503,
      description:
        'Kafka unreachable, or not answering within the publish deadline, or the backlog waiting for it full; ' +
        'nothing was accepted, the same request may be retried (a repeated id is counted once)',
      schema: errorBody,
      headers: retryAfter,
    }),
  );

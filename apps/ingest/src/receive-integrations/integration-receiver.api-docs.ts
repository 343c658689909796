import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { MAX_REASON_CHARS } from './integration-receiver';

const errorBody = {
  type: 'object',
  required: ['errors'],
  properties: {
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string', example: 'UNAUTHORIZED' }, message: { type: 'string' } },
      },
    },
  },
};
const retryAfter = {
  'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer' } },
};
const vendorHeaders: [string, string][] = [
  ['X-Hub-Signature-256', 'GitHub: sha256=<hex HMAC-SHA256(secret, body)>'],
  ['X-GitHub-Event', 'GitHub: the event (deployment_status, release, ping)'],
  ['X-GitHub-Delivery', 'GitHub: the delivery id, recorded'],
  ['X-Hub-Signature', 'Jira: sha256=<hex HMAC-SHA256(secret, body)>'],
  ['X-Slack-Signature', 'Slack: v0=<hex HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)>'],
  ['X-Slack-Request-Timestamp', 'Slack: Unix seconds, within 5 minutes of now'],
  ['Linear-Signature', "Linear: <hex HMAC-SHA256(secret, body)>; the body's webhookTimestamp within 60 s"],
];

/** The OpenAPI description of POST /v1/integrations/{id}, the vendors' signed receivers (contract §9). */
export const ReceiveIntegrationApiDocs = () =>
  applyDecorators(
    ApiOperation({
      summary: "Receive a vendor's signed webhook (GitHub, Jira, Slack, Linear)",
      description:
        'The receiver of one integration, created with the GraphQL mutation createIntegration (its receiverPath). ' +
        "No ingest key: the vendor's signature over the exact bytes sent is verified first, with its replay " +
        'window, then the payload is mapped to events, which take the same validation and Kafka path as ' +
        "POST /v1/events. Each vendor's default delivery formats are taken: GitHub JSON and form-encoded " +
        '(the JSON in a payload field), Jira and Linear JSON, Slack slash commands form-encoded. Every verified ' +
        `delivery is recorded with its outcome; a reason is at most ${MAX_REASON_CHARS} characters.`,
    }),
    ApiParam({
      name: 'id',
      description: 'The integration id (a UUID)',
      schema: { type: 'string', format: 'uuid' },
    }),
    ...vendorHeaders.map(([name, description]) => ApiHeader({ name, required: false, description })),
    ApiConsumes('application/json', 'application/x-www-form-urlencoded'),
    ApiBody({
      description: "The vendor's payload as the vendor sends it",
      schema: { oneOf: [{ type: 'object' }, { type: 'string', description: 'form fields' }] },
    }),
    ApiResponse({
      status: 200,
      description:
        'Verified, but maps to nothing: {"ignored": "<reason>"}. For Slack, always 200 with a Slack message ' +
        '{"response_type", "text"} saying what was recorded or what is wrong',
      schema: {
        oneOf: [
          { type: 'object', required: ['ignored'], properties: { ignored: { type: 'string' } } },
          {
            type: 'object',
            required: ['response_type', 'text'],
            properties: { response_type: { enum: ['in_channel', 'ephemeral'] }, text: { type: 'string' } },
          },
        ],
      },
    }),
    ApiResponse({
      status: 202,
      description: 'The mapped events are durably on Kafka',
      schema: { type: 'object', required: ['accepted'], properties: { accepted: { type: 'integer' } } },
    }),
    ApiResponse({
      status: 400,
      description:
        'The body is neither JSON nor form fields, or the mapped events break the rules of POST /v1/events',
      schema: errorBody,
    }),
    ApiResponse({
      status: 401,
      description: 'Unknown or deleted integration, or a bad, missing or stale signature; nothing recorded',
      schema: errorBody,
    }),
    ApiResponse({ status: 413, description: 'Body over 1 MiB', schema: errorBody }),
    ApiResponse({ status: 415, description: 'Unsupported Content-Type', schema: errorBody }),
    ApiResponse({
      status: 429,
      description: 'Rate limited for this integration',
      schema: errorBody,
      headers: retryAfter,
    }),
    ApiResponse({
      status: 503,
      description: 'Kafka or PostgreSQL unavailable; nothing was accepted, the vendor may retry',
      schema: errorBody,
      headers: retryAfter,
    }),
  );

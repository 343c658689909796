import type { FastifyInstance } from 'fastify';
import { IngestError } from '../errors/ingest-error';
import { MAX_BODY_BYTES } from '../record-events/parse-event-body';
import { isIntegrationReceiver } from './receiver-route';

/** Slack posts slash commands form-encoded; only receivers take that media type, others answer 415. */
export function registerIntegrationBodyParsers(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES },
    (request, body: Buffer, done) => {
      if (isIntegrationReceiver(request.url)) done(null, body);
      else
        done(
          new IngestError(
            'UNSUPPORTED_MEDIA_TYPE',
            'Content-Type must be application/json, application/cloudevents+json or application/cloudevents-batch+json',
          ),
          undefined,
        );
    },
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The verified body as the vendor meant it: JSON, or form fields (Slack). Undefined if it is neither. */
export function parseVerifiedBody(body: Buffer, contentType: string | undefined): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return undefined;
  }
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') {
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [key, value] of new URLSearchParams(text)) fields[key] = value;
    return fields;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

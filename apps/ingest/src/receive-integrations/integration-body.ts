import type { IntegrationKind } from '@orgpulse/persistence';
import type { FastifyInstance } from 'fastify';
import { IngestError } from '../errors/ingest-error';
import { readBoundedBody } from '@orgpulse/runtime';
import { MAX_BODY_BYTES, tooLarge } from '../record-events/parse-event-body';
import { isIntegrationReceiver } from './receiver-route';

/** Slack and GitHub post form-encoded by default; only receivers take that media type, others answer 415. */
export function registerIntegrationBodyParsers(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('application/x-www-form-urlencoded', (request, payload, done) =>
    readBoundedBody(
      payload,
      { declaredLength: request.headers['content-length'], limit: MAX_BODY_BYTES, tooLarge },
      (error, body) => {
        if (error !== null || body === undefined) done(error ?? tooLarge(), undefined);
        else if (isIntegrationReceiver(request.url)) done(null, body);
        else
          done(
            new IngestError(
              'UNSUPPORTED_MEDIA_TYPE',
              'Content-Type must be application/json, application/cloudevents+json or application/cloudevents-batch+json',
            ),
            undefined,
          );
      },
    ),
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * The verified body as the vendor meant it, in each vendor's default delivery formats: JSON, or form
 * fields (Slack's slash commands), or GitHub's form-encoded delivery (the default content type of a
 * webhook made in GitHub's settings), whose JSON is the `payload` field. Undefined if it is none of these.
 */
export function parseVerifiedBody(
  kind: IntegrationKind,
  body: Buffer,
  contentType: string | undefined,
): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return undefined;
  }
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') return parseJson(text);
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of new URLSearchParams(text)) fields[key] = value;
  if (kind === 'GITHUB') return fields.payload === undefined ? undefined : parseJson(fields.payload);
  return fields;
}

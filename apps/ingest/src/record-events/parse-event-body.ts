import type { FastifyInstance } from 'fastify';
import { IngestError } from '../errors/ingest-error';
import { isIntegrationReceiver } from '../receive-integrations/receiver-route';
import { readBoundedBody } from '@orgpulse/runtime';

export const MAX_BODY_BYTES = 1024 * 1024;
export const tooLarge = () => new IngestError('PAYLOAD_TOO_LARGE', 'the body is larger than 1 MiB');
export const MAX_EVENTS_PER_REQUEST = 1000;
export const eventContentTypes = [
  'application/json',
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
] as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** While stopping, answers tell clients to drop the connection, so closing never waits on keep-alive. */
export function closeConnectionsWhenStopping(fastify: FastifyInstance): void {
  let stopping = false;
  fastify.addHook('preClose', (done) => {
    stopping = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (stopping) void reply.header('connection', 'close');
    done(null, payload);
  });
}

/** Only the event media types are parsed; fastify answers 415 for any other, and 413 past the limit. */
export function registerEventBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser([...eventContentTypes], (request, payload, done) =>
    readBoundedBody(
      payload,
      { declaredLength: request.headers['content-length'], limit: MAX_BODY_BYTES, tooLarge },
      (error, body) => {
        if (error !== null || body === undefined) return done(error ?? tooLarge(), undefined);
        try {
          done(null, isIntegrationReceiver(request.url) ? body : parseJson(body));
        } catch (parseError) {
          done(parseError as Error, undefined);
        }
      },
    ),
  );
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new IngestError('INVALID_REQUEST', 'the body is empty');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new IngestError('INVALID_REQUEST', 'the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new IngestError('INVALID_REQUEST', `the body is not valid JSON: ${(error as Error).message}`);
  }
}

/** One event or an array of 1..1000. */
export function toEventList(body: unknown): unknown[] {
  if (!Array.isArray(body)) return [body];
  if (body.length === 0) throw new IngestError('INVALID_REQUEST', 'the array of events is empty');
  if (body.length > MAX_EVENTS_PER_REQUEST) {
    throw new IngestError(
      'INVALID_REQUEST',
      `at most ${MAX_EVENTS_PER_REQUEST} events per request, got ${body.length}`,
    );
  }
  return body;
}

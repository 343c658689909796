import type { Readable } from 'node:stream';

/**
 * Past the body limit, this much more of a request is read and dropped before it is refused: a client
 * that streams its body only reads the answer once it has sent it all, and an answer given earlier ends
 * in a broken pipe instead of the 413 (fastify closes the connection after a refused body). A body
 * declared or sent beyond it is refused at once, connection closed: its cost stays bounded.
 */
export const MAX_DRAINED_BYTES = 32 * 1024 * 1024;

export interface BodyBounds {
  /** the request's Content-Length header, if any */
  declaredLength: string | undefined;
  limit: number;
  /** the app's 413 */
  tooLarge: () => Error;
  /** how much past the limit is read and dropped before the refusal (MAX_DRAINED_BYTES by default; 0: none) */
  drainBytes?: number;
}

/**
 * Reads a request body of at most `limit` bytes. A larger one is drained (up to `drainBytes` more) and
 * refused with `tooLarge()` once the client has finished sending, so it reads the answer.
 */
export function readBoundedBody(
  payload: Readable,
  { declaredLength, limit, tooLarge, drainBytes = MAX_DRAINED_BYTES }: BodyBounds,
  done: (error: Error | null, body?: Buffer) => void,
): void {
  const declared = declaredLength === undefined ? NaN : Number(declaredLength);
  if (declared > limit + drainBytes) return done(tooLarge());
  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;
  const settle = (error: Error | null, body?: Buffer) => {
    if (settled) return;
    settled = true;
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onError);
    done(error, body);
  };
  const onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    received += bytes.length;
    if (received <= limit) chunks.push(bytes);
    else if (chunks.length > 0) chunks.length = 0; // over the limit: nothing more is kept
    if (received > limit + drainBytes) settle(tooLarge());
  };
  const onEnd = () => settle(received > limit ? tooLarge() : null, Buffer.concat(chunks, received));
  const onError = (error: Error) => settle(Object.assign(error, { statusCode: 400 }));
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onError);
  payload.resume();
}

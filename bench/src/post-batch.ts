import type { EventEnvelope } from '@orgpulse/contracts';
import { post } from './http-client';

/** postBody of one batch. */
export function postBatch(url: string, ingestKey: string, batch: readonly EventEnvelope[]): Promise<number> {
  return postBody(url, ingestKey, JSON.stringify(batch));
}

/**
 * Posts one serialised batch until the gateway accepts it; 429 and 503 are waited out, anything else fails
 * the bench.
 */
export async function postBody(url: string, ingestKey: string, body: string | Buffer): Promise<number> {
  for (let retries = 0; ; retries++) {
    const answer = await post(url, body, { Authorization: `Bearer ${ingestKey}` });
    if (answer.status === 202) return retries;
    if ((answer.status !== 429 && answer.status !== 503) || retries === 20)
      throw new Error(`ingest answered ${answer.status}: ${answer.body.slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

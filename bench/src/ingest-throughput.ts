import type { EventEnvelope } from '@orgpulse/contracts';
import { benchClient } from './bench-database';
import type { BenchStack } from './bench-stack';
import { postBody } from './post-batch';
import { perSecond } from './stats';

export interface IngestThroughput {
  events: number;
  ms: number;
  eventsPerSecond: number;
  /** Until the last 202: Kafka holds every event. */
  acceptedMs: number;
  retries: number;
}

/** An org's events in the store. */
export async function storedEvents(databaseUrl: string, orgId: string): Promise<number> {
  const client = benchClient(databaseUrl);
  await client.connect();
  try {
    const { rows } = await client.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM event_store WHERE org_id = $1',
      [orgId],
    );
    return rows[0].count;
  } finally {
    await client.end();
  }
}

/**
 * Records the projector has committed, over every partition it keeps offsets for: a read of a few rows,
 * where counting an org's events reads an index of all of them (polled every 50 ms, that count cost
 * PostgreSQL about a tenth of E1's projection work, taken from the projector it measures).
 */
export async function committedRecords(databaseUrl: string): Promise<number> {
  const client = benchClient(databaseUrl);
  await client.connect();
  try {
    const { rows } = await client.query<{ records: number }>(
      'SELECT coalesce(sum(next_offset), 0)::float8 AS records FROM projector_offsets',
    );
    return rows[0].records;
  } finally {
    await client.end();
  }
}

/**
 * Waits until the org holds `expected` events: the projector writes them and their read models in one
 * transaction. With `records` (committedRecords before posting, plus the records posted) the projector's
 * offsets are watched until they pass it, and only then are the events counted, to the event.
 */
export async function waitForStored(
  databaseUrl: string,
  orgId: string,
  expected: number,
  timeoutMs: number,
  records?: number,
): Promise<void> {
  const client = benchClient(databaseUrl);
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    const poll = async (what: () => string, done: () => Promise<boolean>) => {
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`${what()} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    let committed = 0;
    if (records !== undefined)
      await poll(
        () => `only ${committed} of ${records} records committed by the projector`,
        async () => {
          const { rows } = await client.query<{ records: number }>(
            'SELECT coalesce(sum(next_offset), 0)::float8 AS records FROM projector_offsets',
          );
          committed = rows[0].records;
          return committed >= records;
        },
      );
    let count = 0;
    await poll(
      () => `only ${count} of ${expected} events stored`,
      async () => {
        const { rows } = await client.query<{ count: number }>(
          'SELECT count(*)::int AS count FROM event_store WHERE org_id = $1',
          [orgId],
        );
        count = rows[0].count;
        return count >= expected;
      },
    );
  } finally {
    await client.end();
  }
}

/** Events as the bodies of POST /v1/events, batches of 100 in order. */
export interface RequestBodies {
  bodies: Buffer[];
  events: number;
}

/**
 * Serialised before E1's clock and CPU window start, as a client holding its events would have them (B4's
 * producer likewise builds its records before its window).
 */
export function requestBodies(events: readonly EventEnvelope[]): RequestBodies {
  const bodies: Buffer[] = [];
  for (let i = 0; i < events.length; i += 100)
    bodies.push(Buffer.from(JSON.stringify(events.slice(i, i + 100))));
  return { bodies, events: events.length };
}

/** Posts the bodies in order, `clients` at a time; resolves to the retries it took. */
export async function postAll(
  stack: BenchStack,
  bodies: readonly Buffer[],
  clients: number,
): Promise<number> {
  const url = stack.url('ingest', '/v1/events');
  let next = 0;
  let retries = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < bodies.length) retries += await postBody(url, stack.org.ingestKey, bodies[next++]);
    }),
  );
  return retries;
}

/** E1: the org's history in batches of 100 over HTTP, `clients` at a time, until all of it is projected. */
export async function ingestThroughput(
  stack: BenchStack,
  { bodies, events }: RequestBodies,
  clients: number,
): Promise<IngestThroughput> {
  const records = (await committedRecords(stack.databaseUrl)) + events; // one record an event
  const started = performance.now();
  const retries = await postAll(stack, bodies, clients);
  const acceptedMs = performance.now() - started;
  await waitForStored(stack.databaseUrl, stack.org.orgId, events, 30 * 60_000, records);
  const ms = performance.now() - started;
  return { events, ms, eventsPerSecond: perSecond(events, ms), acceptedMs, retries };
}

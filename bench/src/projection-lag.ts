import { randomUUID } from 'node:crypto';
import { type EventEnvelope, Topics } from '@orgpulse/contracts';
import { NOTIFY_CHANNELS } from '@orgpulse/persistence';
import { Kafka, logLevel } from 'kafkajs';
import { benchClient } from './bench-database';
import type { BenchStack } from './bench-stack';
import { postBatch } from './post-batch';
import { percentile } from './stats';

export interface ProjectionLag {
  events: number;
  targetRate: number;
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const TICK_MS = 20;
const READ_PAGE = 5_000;

/** Which events a steady stream sends: the n-th (from 1) is about team `teamOf(n)`, its id `${idPrefix}n`. */
export interface SteadyStream {
  idPrefix: string;
  teamOf: (n: number) => string;
}

/** E2's stream: the synthetic org's teams in turn. */
export const syntheticTeams = (teams: number): SteadyStream => ({
  idPrefix: 'steady-',
  teamOf: (n) => `team-${n % teams}`,
});

/**
 * E2: a steady stream through ingest; for each event, the time from its Kafka timestamp to the commit
 * of its projection. The commit is seen from outside: the projector's NOTIFY arrives after the commit,
 * and the events then visible are stamped with the time of that read, an upper bound of their commit.
 */
export async function projectionLag(
  stack: BenchStack,
  ratePerSecond: number,
  seconds: number,
  stream: SteadyStream,
  onLags?: (lags: readonly { at: number; lagMs: number }[]) => void,
): Promise<ProjectionLag> {
  const committedAt = new Map<string, number>();
  const listener = benchClient(stack.databaseUrl);
  await listener.connect();
  let lastPosition = (
    await listener.query<{ max: string }>('SELECT coalesce(max(position), 0)::text AS max FROM event_store')
  ).rows[0].max;
  const reader = benchClient(stack.databaseUrl);
  await reader.connect();
  let reading: Promise<void> | undefined;
  let again = false;
  const readCommitted = async () => {
    do {
      again = false;
      const seenAt = Date.now();
      // by the store's position alone (its primary key): the bench must not load the server it measures,
      // and a filter on the org would scan every index entry of the org's year (autovacuum is off here)
      const { rows } = await reader.query<{ p: number; o: string; pos: string; mine: boolean }>(
        `SELECT kafka_partition AS p, kafka_offset::text AS o, position::text AS pos,
                org_id = $2 AND starts_with(event_id, $3) AS mine
           FROM event_store WHERE position > $1 ORDER BY position LIMIT ${READ_PAGE}`,
        [lastPosition, stack.org.orgId, stream.idPrefix],
      );
      for (const row of rows) if (row.mine) committedAt.set(`${row.p}:${row.o}`, seenAt);
      if (rows.length > 0) lastPosition = rows[rows.length - 1].pos;
      if (rows.length === READ_PAGE) again = true;
    } while (again);
  };
  listener.on('notification', () => {
    if (reading) again = true;
    else reading = readCommitted().finally(() => (reading = undefined));
  });
  await listener.query(`LISTEN ${NOTIFY_CHANNELS.projections}`);

  const url = stack.url('ingest', '/v1/events');
  const perTick = Math.max(1, Math.round((ratePerSecond * TICK_MS) / 1000));
  const ticks = Math.ceil((seconds * 1000) / TICK_MS);
  const posts: Promise<number>[] = [];
  let sent = 0;
  const started = performance.now();
  for (let tick = 0; tick < ticks; tick++) {
    const wait = started + tick * TICK_MS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const occurredAt = new Date(Date.now() - 1_000).toISOString();
    const batch: EventEnvelope[] = Array.from({ length: perTick }, () => {
      sent += 1;
      const [id, teamId] = [`${stream.idPrefix}${sent}`, stream.teamOf(sent)];
      return sent % 2 === 0
        ? { id, type: 'discovery.interview-held', occurredAt, data: { teamId } }
        : { id, type: 'delivery.shipped', occurredAt, data: { teamId } };
    });
    const posted = postBatch(url, stack.org.ingestKey, batch);
    posted.catch(() => undefined); // handled now, reported by Promise.all below rather than as unhandled
    posts.push(posted);
  }
  await Promise.all(posts);
  const sendMs = performance.now() - started;
  const deadline = Date.now() + 120_000;
  while (committedAt.size < sent) {
    if (Date.now() > deadline)
      throw new Error(`only ${committedAt.size} of ${sent} events of ${stream.idPrefix}* were projected`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await listener.end();
  await reading;
  await reader.end();

  const timestamps = await kafkaTimestamps(stack.brokers, new Set(committedAt.keys()));
  const lags = [...committedAt].map(([key, at]) => at - (timestamps.get(key) ?? Number.NaN));
  if (lags.some(Number.isNaN)) throw new Error('some steady events were not found on the events topic');
  onLags?.([...committedAt].map(([key, at]) => ({ at, lagMs: at - (timestamps.get(key) ?? 0) })));
  return {
    events: sent,
    targetRate: ratePerSecond,
    achievedRate: (sent * 1000) / sendMs,
    p50Ms: percentile(lags, 50),
    p99Ms: percentile(lags, 99),
    maxMs: Math.max(...lags),
  };
}

/** The Kafka timestamps of the records at the given "partition:offset" keys. */
async function kafkaTimestamps(brokers: string, wanted: ReadonlySet<string>): Promise<Map<string, number>> {
  const kafka = new Kafka({
    clientId: 'orgpulse-bench',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({
    groupId: `bench-timestamps-${randomUUID()}`,
    maxBytesPerPartition: 2 * 1024 * 1024,
  });
  const found = new Map<string, number>();
  await consumer.connect();
  await consumer.subscribe({ topic: Topics.events, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`found ${found.size} of ${wanted.size} records`)),
      120_000,
    );
    consumer
      .run({
        eachBatch: ({ batch }) => {
          for (const message of batch.messages) {
            const key = `${batch.partition}:${message.offset}`;
            if (wanted.has(key)) found.set(key, Number(message.timestamp));
          }
          if (found.size === wanted.size) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return found;
}

import { randomUUID } from 'node:crypto';
import { type AcceptedEvent, Topics, recordKeyOf } from '@orgpulse/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { copyEvents } from './copy-rows';
import { perSecond } from './stats';

export interface Rate {
  events: number;
  ms: number;
  eventsPerSecond: number;
}

const rate = (events: number, ms: number): Rate => ({ events, ms, eventsPerSecond: perSecond(events, ms) });

const kafkaFor = (brokers: string) =>
  new Kafka({
    clientId: `orgpulse-bench-${randomUUID()}`,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });

/** B2: kafkajs at its best on this broker: acks=all, batches of 100, `concurrency` batches in flight. */
export async function rawProduce(
  brokers: string,
  events: readonly AcceptedEvent[],
  concurrency: number,
): Promise<Rate> {
  const kafka = kafkaFor(brokers);
  const topic = `bench.baseline.${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: 6, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const batches: { key: string; value: string }[][] = [];
  for (let i = 0; i < events.length; i += 100)
    batches.push(
      events.slice(i, i + 100).map((e) => ({ key: recordKeyOf(e.orgId, e), value: JSON.stringify(e) })),
    );
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) await producer.send({ topic, acks: -1, messages: batches[next++] });
    }),
  );
  const ms = performance.now() - started;
  await producer.disconnect();
  return rate(events.length, ms);
}

/** B1: a consumer of a fresh group reading the events topic to its end, doing nothing with the records. */
export async function rawConsume(brokers: string): Promise<Rate & { joinMs: number }> {
  const kafka = kafkaFor(brokers);
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(Topics.events);
  await admin.disconnect();
  const total = offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
  const consumer = kafka.consumer({
    groupId: `bench-raw-${randomUUID()}`,
    maxBytesPerPartition: 2 * 1024 * 1024,
  });
  const joined = performance.now();
  let firstBatchAt = 0;
  let consumed = 0;
  await consumer.connect();
  await consumer.subscribe({ topic: Topics.events, fromBeginning: true });
  const ms = await new Promise<number>((resolve, reject) => {
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          if (firstBatchAt === 0) firstBatchAt = performance.now();
          consumed += batch.messages.length;
          if (consumed >= total) resolve(performance.now() - firstBatchAt);
          return Promise.resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return { ...rate(consumed, ms), joinMs: firstBatchAt - joined };
}

/** B3: COPY into a table shaped like the event store (same columns, keys and indexes, no triggers). */
export async function rawCopy(databaseUrl: string, events: readonly AcceptedEvent[]): Promise<Rate> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bench_copy_baseline');
    await client.query('CREATE TABLE bench_copy_baseline (LIKE event_store INCLUDING ALL)');
    const started = performance.now();
    await copyEvents(client, 'bench_copy_baseline', events);
    const ms = performance.now() - started;
    return rate(events.length, ms);
  } finally {
    await client.query('DROP TABLE IF EXISTS bench_copy_baseline');
    await client.end();
  }
}

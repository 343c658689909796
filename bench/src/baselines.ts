import { randomUUID } from 'node:crypto';
import { type AcceptedEvent, Topics, recordKeyOf } from '@orgpulse/contracts';
import { stopIdleRequestQueueTimers } from '@orgpulse/messaging';
import { type Batch, Kafka, type Producer, logLevel } from 'kafkajs';
import type { Client } from 'pg';
import { benchClient } from './bench-database';
import { copyEvents } from './copy-rows';
import { perSecond } from './stats';

export interface Rate {
  events: number;
  ms: number;
  eventsPerSecond: number;
}

export const rate = (events: number, ms: number): Rate => ({
  events,
  ms,
  eventsPerSecond: perSecond(events, ms),
});

/** As the apps create the events topic (KAFKA_TOPIC_PARTITIONS defaults to 6). */
export const BENCH_TOPIC_PARTITIONS = 6;

// the baselines run kafkajs as the apps do, without its idle timer loop
stopIdleRequestQueueTimers();

export const kafkaFor = (brokers: string) =>
  new Kafka({
    clientId: `orgpulse-bench-${randomUUID()}`,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });

/** A fresh topic of the bench's own, partitioned as the events topic. */
export async function createBenchTopic(brokers: string, prefix: string): Promise<string> {
  const topic = `${prefix}.${randomUUID().slice(0, 8)}`;
  const admin = kafkaFor(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: BENCH_TOPIC_PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

export type RecordBatch = { key: string; value: string }[];

/** The events as ingest writes them to Kafka (key and JSON value), in batches of 100. */
export function recordBatches(events: readonly AcceptedEvent[]): RecordBatch[] {
  const batches: RecordBatch[] = [];
  for (let i = 0; i < events.length; i += 100)
    batches.push(
      events.slice(i, i + 100).map((e) => ({ key: recordKeyOf(e.orgId, e), value: JSON.stringify(e) })),
    );
  return batches;
}

/** kafkajs at its best on this broker: acks=all, `concurrency` batches in flight. */
export async function produceAll(
  producer: Producer,
  topic: string,
  batches: readonly RecordBatch[],
  concurrency: number,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) await producer.send({ topic, acks: -1, messages: batches[next++] });
    }),
  );
}

export interface ConsumedAll {
  /** performance.now() when the group had joined, when the first batch came, when `total` were handled. */
  joinedAt: number;
  firstBatchAt: number;
  doneAt: number;
}

/**
 * A consumer of a fresh group reads `topic` from the beginning until `total` records went through
 * `handle`; `onJoined` is called once the group has joined (records produced from then on are read).
 */
export async function consumeAll(
  brokers: string,
  topic: string,
  total: number,
  handle: (batch: Batch) => Promise<void>,
  onJoined: () => void = () => undefined,
  partitionsConsumedConcurrently = 1,
): Promise<ConsumedAll> {
  const consumer = kafkaFor(brokers).consumer({
    groupId: `bench-raw-${randomUUID()}`,
    maxBytesPerPartition: 2 * 1024 * 1024,
  });
  let joinedAt = 0;
  let firstBatchAt = 0;
  let handled = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedAt = performance.now();
    onJoined();
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const doneAt = await new Promise<number>((resolve, reject) => {
      consumer
        .run({
          partitionsConsumedConcurrently,
          eachBatch: async ({ batch }) => {
            if (firstBatchAt === 0) firstBatchAt = performance.now();
            await handle(batch);
            handled += batch.messages.length;
            if (handled >= total) resolve(performance.now());
          },
        })
        .catch(reject);
    });
    return { joinedAt, firstBatchAt, doneAt };
  } finally {
    await consumer.disconnect();
  }
}

/** Records on a topic (high minus low watermark over its partitions). */
export async function topicRecords(brokers: string, topic: string): Promise<number> {
  const admin = kafkaFor(brokers).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** A table shaped like the event store (same columns, keys and indexes, no triggers), dropped after. */
export async function withScratchTable<T>(
  client: Client,
  table: string,
  use: (table: string) => Promise<T>,
): Promise<T> {
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(`CREATE TABLE ${table} (LIKE event_store INCLUDING ALL)`);
  try {
    return await use(table);
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
  }
}

/** B2: the events produced to a fresh topic. */
export async function rawProduce(
  brokers: string,
  events: readonly AcceptedEvent[],
  concurrency: number,
): Promise<Rate> {
  const topic = await createBenchTopic(brokers, 'bench.baseline');
  const producer = kafkaFor(brokers).producer();
  await producer.connect();
  const batches = recordBatches(events);
  const started = performance.now();
  await produceAll(producer, topic, batches, concurrency);
  const ms = performance.now() - started;
  await producer.disconnect();
  return rate(events.length, ms);
}

/** B1: the whole events topic read by a fresh group, doing nothing with the records (from the first batch). */
export async function rawConsume(brokers: string): Promise<Rate & { joinMs: number }> {
  const total = await topicRecords(brokers, Topics.events);
  const started = performance.now();
  const { firstBatchAt, doneAt } = await consumeAll(brokers, Topics.events, total, () => Promise.resolve());
  return { ...rate(total, doneAt - firstBatchAt), joinMs: firstBatchAt - started };
}

/** B3: the events copied into an event-store-shaped table. */
export async function rawCopy(databaseUrl: string, events: readonly AcceptedEvent[]): Promise<Rate> {
  const client = benchClient(databaseUrl);
  await client.connect();
  try {
    return await withScratchTable(client, 'bench_copy_baseline', async (table) => {
      const started = performance.now();
      await copyEvents(client, table, events);
      return rate(events.length, performance.now() - started);
    });
  } finally {
    await client.end();
  }
}

import { randomUUID } from 'node:crypto';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { within } from './eventually';

export interface TopicRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

const kafkaFor = (brokers: string) =>
  new Kafka({
    clientId: `orgpulse-test-${randomUUID()}`,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });

const toRecord = (partition: number, message: KafkaMessage): TopicRecord => ({
  partition,
  offset: message.offset,
  key: message.key?.toString() ?? null,
  value: message.value?.toString() ?? null,
  headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
});

/** Sum of the topic's end offsets: unchanged means nothing was written. */
export async function topicEndOffset(brokers: string, topic: string): Promise<bigint> {
  const admin = kafkaFor(brokers).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, o) => sum + BigInt(o.high), 0n);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads the whole topic, as far as it reaches now, with a real consumer of its own group, and
 * returns the records that match `filter`: counting them tells how often each was written.
 */
export async function readTopicToEnd(
  brokers: string,
  topic: string,
  filter: (record: TopicRecord) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<TopicRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await readTopicToEndOnce(brokers, topic, filter, Math.max(1_000, deadline - Date.now()));
    } catch (error) {
      // e.g. a broker just resumed whose group coordinator is still loading: read again
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function readTopicToEndOnce(
  brokers: string,
  topic: string,
  filter: (record: TopicRecord) => boolean,
  timeoutMs: number,
): Promise<TopicRecord[]> {
  const kafka = kafkaFor(brokers);
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic))
      .filter((o) => BigInt(o.high) > BigInt(o.low))
      .map((o) => [o.partition, BigInt(o.high)] as const),
  );
  await admin.disconnect();

  // A crash fails the read: kafkajs would restart the consumer even after disconnect(), keeping jest alive.
  const consumer = kafka.consumer({
    groupId: `orgpulse-test-${randomUUID()}`,
    retry: { restartOnFailure: () => Promise.resolve(false) },
  });
  const records: TopicRecord[] = [];
  const remaining = new Set(ends.keys());
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await within(
      new Promise<void>((resolve, reject) => {
        if (remaining.size === 0) resolve();
        consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
        consumer
          .run({
            eachMessage: ({ partition, message }) => {
              const record = toRecord(partition, message);
              if (filter(record)) records.push(record);
              if (BigInt(message.offset) + 1n >= (ends.get(partition) ?? 0n)) remaining.delete(partition);
              if (remaining.size === 0) resolve();
              return Promise.resolve();
            },
          })
          .catch(reject);
      }),
      timeoutMs,
      `could not read ${topic} to its end (${records.length} matching records so far)`,
    );
    return records;
  } finally {
    await consumer.disconnect();
  }
}

import { randomUUID } from 'node:crypto';
import type { DeadLetterOrigin } from '@orgpulse/persistence';
import type { Kafka } from 'kafkajs';
import { originOf } from './dead-letter-record';

export type FoundDeadLetter = DeadLetterOrigin & { dlqPartition: number; dlqOffset: string };

/**
 * Reads the dead-letter topic past the offsets already recorded (per partition) up to its end now, and
 * returns the origins found there. Partitions with nothing new are not read at all.
 */
export async function readDeadLetterOrigins(
  kafka: Kafka,
  topic: string,
  recorded: ReadonlyMap<number, string>,
  timeoutMs = 60_000,
): Promise<FoundDeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  let watermarks;
  try {
    watermarks = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const start = new Map<number, bigint>();
  const end = new Map<number, bigint>();
  for (const w of watermarks) {
    const after = recorded.has(w.partition)
      ? BigInt(recorded.get(w.partition) as string) + 1n
      : BigInt(w.low);
    // past the end: the topic was recreated since; whatever it holds now is new to us
    const from = after > BigInt(w.high) ? BigInt(w.low) : after < BigInt(w.low) ? BigInt(w.low) : after;
    if (from < BigInt(w.high)) {
      start.set(w.partition, from);
      end.set(w.partition, BigInt(w.high));
    }
  }
  if (end.size === 0) return [];

  const found: FoundDeadLetter[] = [];
  const consumer = kafka.consumer({ groupId: `orgpulse-dead-letter-reconcile-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`could not read ${topic} to its end within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const seeked = new Set<number>();
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const from = start.get(batch.partition);
            if (from === undefined) return;
            if (!seeked.has(batch.partition) && BigInt(batch.firstOffset() ?? '0') !== from) {
              seeked.add(batch.partition);
              consumer.seek({ topic, partition: batch.partition, offset: from.toString() });
              return;
            }
            seeked.add(batch.partition);
            for (const message of batch.messages) {
              if (BigInt(message.offset) < from) continue;
              const origin = originOf(message.headers);
              if (origin) found.push({ ...origin, dlqPartition: batch.partition, dlqOffset: message.offset });
            }
            if (BigInt(batch.lastOffset()) + 1n >= (end.get(batch.partition) as bigint))
              end.delete(batch.partition);
            if (end.size === 0) {
              clearTimeout(timer);
              resolve();
            }
            await Promise.resolve();
          },
        })
        .catch(reject);
    });
    return found;
  } finally {
    await consumer.disconnect();
  }
}

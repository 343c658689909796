import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { eventually } from '../eventually';
import { type TopicRecord, readTopicToEnd } from '../kafka-records';

async function topicExists(brokers: string, topic: string): Promise<boolean> {
  const admin = new Kafka({
    clientId: `orgpulse-fault-${randomUUID()}`,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}

/**
 * The whole topic as far as it reaches now; none when it does not exist (e.g. after a wipe). A read
 * that fails (a partition whose leader just died) is tried again until `timeoutMs`.
 */
export function readWholeTopic(
  brokers: string,
  topic: string,
  filter?: (record: TopicRecord) => boolean,
  timeoutMs = 60_000,
): Promise<TopicRecord[]> {
  return eventually(
    async () =>
      (await topicExists(brokers, topic)) ? readTopicToEnd(brokers, topic, filter, timeoutMs) : [],
    { timeoutMs, intervalMs: 2_000 },
  );
}

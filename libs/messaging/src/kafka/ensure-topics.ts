import type { Admin, Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  config?: Record<string, string>;
}

// A 1 MiB request of 1000 events grows on the way (org, ingest time, key, headers): leave room.
export const EVENT_TOPIC_CONFIG = { 'max.message.bytes': String(8 * 1024 * 1024) };

/**
 * Creates missing topics and waits until every partition has a leader: producing to a topic
 * without one fails. Several services may do this at once on a fresh broker, whose metadata
 * lags for a moment, so every step is retried until the deadline.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly TopicSpec[],
  timeoutMs = 30_000,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if (await topicsReady(admin, topics)) return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline)
        throw new Error(`topics ${topics.map((t) => t.topic).join(', ')} have no leaders yet`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

async function topicsReady(admin: Admin, topics: readonly TopicSpec[]): Promise<boolean> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((t) => ({
        topic: t.topic,
        numPartitions: t.numPartitions,
        replicationFactor: -1,
        configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
  return (
    metadata.length === topics.length &&
    metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
  );
}

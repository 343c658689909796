import { DependencyError, type Logger, describeError, retryUntil } from '@orgpulse/platform';
import { type Admin, ConfigResourceTypes, type Kafka } from 'kafkajs';
import {
  MIN_INSYNC_REPLICAS,
  type TopicDurability,
  type TopicSpec,
  type TopicState,
  durabilityShortfalls,
  kafkaErrorTypes,
  topicCreation,
} from './topic-durability';

// A 1 MiB request of 1000 events grows on the way (org, ingest time, key, headers): leave room.
export const EVENT_TOPIC_CONFIG = { 'max.message.bytes': String(8 * 1024 * 1024) };

export interface EnsureTopicsOptions {
  timeoutMs?: number;
  /** Replication and min.insync.replicas of the topics created; also checked on existing ones. */
  durability?: TopicDurability;
  /** Where a topic weaker than `durability` is reported (warn). */
  logger?: Logger;
}

// A process reports each weak topic once, however often it ensures it.
const reported = new Set<string>();

/**
 * Creates missing topics and waits until every partition has a leader: producing to a topic
 * without one fails. Several services may do this at once on a fresh broker, whose metadata
 * lags for a moment, so every step is retried until the deadline. Returns what is weaker than
 * `durability` in topics that already existed (each also logged once at warn).
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly TopicSpec[],
  options: EnsureTopicsOptions = {},
): Promise<string[]> {
  const { timeoutMs = 30_000, durability, logger } = options;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if (await topicsReady(admin, topics, durability)) break;
      } catch (error) {
        if (Date.now() > deadline) throw await explain(admin, error, durability);
      }
      if (Date.now() > deadline)
        throw new Error(`topics ${topics.map((t) => t.topic).join(', ')} have no leaders yet`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (!durability) return [];
    // A broker learns of a new topic's config a moment after its leaders: retry, within the deadline.
    let states: TopicState[];
    try {
      states = await retryUntil(
        Math.max(deadline - Date.now(), 1_000),
        () => topicStates(admin, topics),
        200,
      );
    } catch (error) {
      logger?.warn(
        { kafka: 'topics' },
        `could not check the replication of the topics: ${describeError(error)}`,
      );
      return [];
    }
    const shortfalls = states.flatMap((s) => durabilityShortfalls(s, durability));
    for (const shortfall of shortfalls.filter((s) => !reported.has(s))) {
      reported.add(shortfall);
      logger?.warn({ kafka: 'topics' }, shortfall);
    }
    return shortfalls;
  } finally {
    await admin.disconnect();
  }
}

async function topicsReady(
  admin: Admin,
  topics: readonly TopicSpec[],
  durability: TopicDurability | undefined,
): Promise<boolean> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((t) => topicCreation(t, durability)),
    });
  }
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
  return (
    metadata.length === topics.length &&
    metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
  );
}

async function topicStates(admin: Admin, topics: readonly TopicSpec[]): Promise<TopicState[]> {
  const names = topics.map((t) => t.topic);
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({
      type: ConfigResourceTypes.TOPIC,
      name,
      configNames: [MIN_INSYNC_REPLICAS],
    })),
  });
  return metadata.map((t) => {
    const value = resources
      .find((r) => r.resourceName === t.name)
      ?.configEntries.find((e) => e.configName === MIN_INSYNC_REPLICAS)?.configValue;
    return {
      topic: t.name,
      partitionReplicas: t.partitions.map((p) => p.replicas),
      minInsyncReplicas: value === undefined ? undefined : Number(value),
    };
  });
}

/** A cluster too small for the replication asked is a configuration error: name the variable. */
async function explain(admin: Admin, error: unknown, durability?: TopicDurability): Promise<Error> {
  if (!durability || !kafkaErrorTypes(error).includes('INVALID_REPLICATION_FACTOR'))
    return error instanceof Error ? error : new Error(String(error));
  const brokers = await admin.describeCluster().then(
    (cluster) => String(cluster.brokers.length),
    () => 'an unknown number of',
  );
  return new DependencyError(
    'KAFKA_REPLICATION_FACTOR',
    `${durability.replicationFactor} replicas per partition asked, but the cluster has ${brokers} broker(s) ` +
      `(${describeError(error)})`,
  );
}

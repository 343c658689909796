import type { ITopicConfig } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  config?: Record<string, string>;
}

/** How many copies of every record a topic keeps, and how many must have it before acks=all answers. */
export interface TopicDurability {
  replicationFactor: number;
  minInsyncReplicas: number;
}

export const MIN_INSYNC_REPLICAS = 'min.insync.replicas';

/** The CreateTopics entry of a spec; without a durability, the broker's defaults decide. */
export function topicCreation(spec: TopicSpec, durability?: TopicDurability): ITopicConfig {
  const config = durability
    ? { ...spec.config, [MIN_INSYNC_REPLICAS]: String(durability.minInsyncReplicas) }
    : { ...spec.config };
  return {
    topic: spec.topic,
    numPartitions: spec.numPartitions,
    replicationFactor: durability?.replicationFactor ?? -1,
    configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
  };
}

/** What the cluster holds of a topic: replicas of each partition, and its min.insync.replicas. */
export interface TopicState {
  topic: string;
  partitionReplicas: readonly (readonly number[])[];
  minInsyncReplicas: number | undefined;
}

/**
 * Why a topic is less durable than configured (one line each), e.g. one created earlier with fewer
 * replicas: creating a topic never changes an existing one, so this is what an operator must fix.
 */
export function durabilityShortfalls(state: TopicState, durability: TopicDurability): string[] {
  const shortfalls: string[] = [];
  const replicas = Math.min(...state.partitionReplicas.map((r) => r.length));
  if (state.partitionReplicas.length > 0 && replicas < durability.replicationFactor) {
    shortfalls.push(
      `topic ${state.topic} has ${replicas} replica(s) per partition, fewer than KAFKA_REPLICATION_FACTOR ` +
        `(${durability.replicationFactor}); reassign its partitions to raise it`,
    );
  }
  if (state.minInsyncReplicas !== undefined && state.minInsyncReplicas < durability.minInsyncReplicas) {
    shortfalls.push(
      `topic ${state.topic} has ${MIN_INSYNC_REPLICAS}=${state.minInsyncReplicas}, lower than ` +
        `KAFKA_MIN_INSYNC_REPLICAS (${durability.minInsyncReplicas}); alter its config to raise it`,
    );
  }
  return shortfalls;
}

/** The Kafka error types in an error of kafkajs, including each of an aggregate's. */
export function kafkaErrorTypes(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [];
  const { type, errors } = error as { type?: unknown; errors?: unknown };
  return [
    ...(typeof type === 'string' ? [type] : []),
    ...(Array.isArray(errors) ? errors.flatMap(kafkaErrorTypes) : []),
  ];
}

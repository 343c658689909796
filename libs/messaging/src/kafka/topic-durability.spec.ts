import { durabilityShortfalls, kafkaErrorTypes, topicCreation } from './topic-durability';

const cluster = { replicationFactor: 3, minInsyncReplicas: 2 };

describe('topicCreation', () => {
  it('asks for the configured replication and min.insync.replicas, beside the topic config', () => {
    expect(
      topicCreation(
        { topic: 'orgpulse.events.v1', numPartitions: 6, config: { 'max.message.bytes': '8388608' } },
        cluster,
      ),
    ).toEqual({
      topic: 'orgpulse.events.v1',
      numPartitions: 6,
      replicationFactor: 3,
      configEntries: [
        { name: 'max.message.bytes', value: '8388608' },
        { name: 'min.insync.replicas', value: '2' },
      ],
    });
  });

  it('lets the configured min.insync.replicas win over a topic config', () => {
    const created = topicCreation(
      { topic: 't', numPartitions: 1, config: { 'min.insync.replicas': '1' } },
      cluster,
    );
    expect(created.configEntries).toEqual([{ name: 'min.insync.replicas', value: '2' }]);
  });

  it('leaves replication to the broker when no durability is given', () => {
    expect(topicCreation({ topic: 't', numPartitions: 2 })).toEqual({
      topic: 't',
      numPartitions: 2,
      replicationFactor: -1,
      configEntries: [],
    });
  });
});

describe('durabilityShortfalls', () => {
  it('accepts a topic as durable as configured, or more', () => {
    const state = { topic: 't', partitionReplicas: [[1, 2, 3]], minInsyncReplicas: 2 };
    expect(durabilityShortfalls(state, cluster)).toEqual([]);
    expect(durabilityShortfalls(state, { replicationFactor: 1, minInsyncReplicas: 1 })).toEqual([]);
  });

  it('names a topic with fewer replicas than KAFKA_REPLICATION_FACTOR, by its weakest partition', () => {
    const state = { topic: 'orgpulse.alerts.v1', partitionReplicas: [[1, 2, 3], [2]], minInsyncReplicas: 2 };
    expect(durabilityShortfalls(state, cluster)).toEqual([
      expect.stringMatching(
        /^topic orgpulse\.alerts\.v1 has 1 replica\(s\) per partition, fewer than KAFKA_REPLICATION_FACTOR \(3\)/,
      ),
    ]);
  });

  it('names a topic whose min.insync.replicas is below KAFKA_MIN_INSYNC_REPLICAS', () => {
    const state = { topic: 't', partitionReplicas: [[1, 2, 3]], minInsyncReplicas: 1 };
    expect(durabilityShortfalls(state, cluster)).toEqual([
      expect.stringMatching(
        /^topic t has min\.insync\.replicas=1, lower than KAFKA_MIN_INSYNC_REPLICAS \(2\)/,
      ),
    ]);
  });

  it('reports both at once', () => {
    const state = { topic: 't', partitionReplicas: [[1]], minInsyncReplicas: 1 };
    expect(durabilityShortfalls(state, cluster)).toHaveLength(2);
  });
});

describe('kafkaErrorTypes', () => {
  it("reads an error's type and every type of an aggregate", () => {
    const aggregate = Object.assign(new Error('x'), {
      errors: [{ type: 'INVALID_REPLICATION_FACTOR' }, { type: 'TOPIC_ALREADY_EXISTS' }],
    });
    expect(kafkaErrorTypes(aggregate)).toEqual(['INVALID_REPLICATION_FACTOR', 'TOPIC_ALREADY_EXISTS']);
    expect(kafkaErrorTypes({ type: 'NOT_CONTROLLER' })).toEqual(['NOT_CONTROLLER']);
    expect(kafkaErrorTypes(new Error('plain'))).toEqual([]);
    expect(kafkaErrorTypes(undefined)).toEqual([]);
  });
});

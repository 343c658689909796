import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RenewingProducer, ensureTopics } from '@orgpulse/messaging';
import { KafkaCluster, eventually, readTopicToEnd } from '@orgpulse/testing';
import { type Admin, ConfigResourceTypes, Kafka, type Producer, logLevel } from 'kafkajs';
import pino from 'pino';

/**
 * A local 3-node KRaft cluster (infra/kafka/kafka.sh, KAFKA_NODES=3) and the topics the apps create
 * on it: replicated as configured, and still writable with acks=all when one broker crashes.
 */
describe('a 3-node Kafka cluster', () => {
  jest.setTimeout(240_000);

  let cluster: KafkaCluster;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    cluster = await KafkaCluster.create(3);
    await cluster.start();
    kafka = new Kafka({
      clientId: 'durability-test',
      brokers: cluster.brokers.split(','),
      logLevel: logLevel.NOTHING,
      requestTimeout: 30_000,
      // long enough for the cluster to fence a crashed broker (broker.session.timeout.ms, 9 s) and move leaders
      retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 2_000 },
    });
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
    await cluster?.stop();
  });

  async function replicasOf(topic: string): Promise<{ replicas: number[]; isr: number[]; leader: number }[]> {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0].partitions.map((p) => ({ replicas: p.replicas, isr: p.isr, leader: p.leader }));
  }

  async function minInsyncReplicas(topic: string): Promise<{ value: string; source: number } | undefined> {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
    });
    const entry = resources[0].configEntries.find((e) => e.configName === 'min.insync.replicas');
    const source = (entry as { configSource?: number } | undefined)?.configSource;
    return entry && { value: entry.configValue, source: source ?? -1 };
  }

  const TOPIC_CONFIG = 1; // DescribeConfigs configSource: set on the topic itself

  it('has every node up, each its own JVM with a pid for signals', async () => {
    await eventually(async () => {
      const { brokers } = await admin.describeCluster();
      expect(brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    });
    const pids = cluster.nodeIds.map((id) => cluster.pid(id));
    expect(new Set(pids).size).toBe(3);
    for (const pid of pids)
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('kafka.Kafka');
  });

  it('ensureTopics creates topics with the configured replication and min.insync.replicas', async () => {
    const durable = `durable-${randomUUID()}`;
    const pair = `pair-${randomUUID()}`;
    await ensureTopics(kafka, [{ topic: durable, numPartitions: 3 }], {
      durability: { replicationFactor: 3, minInsyncReplicas: 2 },
    });
    // different from the cluster's defaults (3 and 2), so these can only come from ensureTopics
    await ensureTopics(kafka, [{ topic: pair, numPartitions: 2 }], {
      durability: { replicationFactor: 2, minInsyncReplicas: 1 },
    });

    // a new topic reaches every broker's metadata a moment after its leaders: the one asked may not host it yet
    await eventually(async () =>
      expect((await replicasOf(durable)).map((p) => p.replicas.length)).toEqual([3, 3, 3]),
    );
    // and its configs: DescribeConfigs goes to any broker, which may not host the topic yet either
    await eventually(async () =>
      expect(await minInsyncReplicas(durable)).toEqual({ value: '2', source: TOPIC_CONFIG }),
    );
    await eventually(async () =>
      expect((await replicasOf(pair)).map((p) => p.replicas.length)).toEqual([2, 2]),
    );
    await eventually(async () =>
      expect(await minInsyncReplicas(pair)).toEqual({ value: '1', source: TOPIC_CONFIG }),
    );
  });

  it('reports, once, an existing topic with fewer replicas or a lower min.insync.replicas', async () => {
    const weak = `weak-${randomUUID()}`;
    // as an older release (or another tool) might have left it: one replica, min.insync.replicas 1
    await ensureTopics(kafka, [{ topic: weak, numPartitions: 1 }], {
      durability: { replicationFactor: 1, minInsyncReplicas: 1 },
    });
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const options = { durability: { replicationFactor: 3, minInsyncReplicas: 2 }, logger };

    const first = await ensureTopics(kafka, [{ topic: weak, numPartitions: 1 }], options);
    expect(first).toEqual([
      expect.stringContaining(
        `topic ${weak} has 1 replica(s) per partition, fewer than KAFKA_REPLICATION_FACTOR (3)`,
      ),
      expect.stringContaining(
        `topic ${weak} has min.insync.replicas=1, lower than KAFKA_MIN_INSYNC_REPLICAS (2)`,
      ),
    ]);
    const second = await ensureTopics(kafka, [{ topic: weak, numPartitions: 1 }], options);
    expect(second).toEqual(first);
    expect(lines.map((line) => (JSON.parse(line) as { level: number; msg: string }).msg)).toEqual(first);
    expect((await replicasOf(weak))[0].replicas).toHaveLength(1); // reported, not changed behind the operator's back
  });

  it('names KAFKA_REPLICATION_FACTOR when the cluster has fewer brokers than it asks', async () => {
    await expect(
      ensureTopics(kafka, [{ topic: `too-wide-${randomUUID()}`, numPartitions: 1 }], {
        durability: { replicationFactor: 4, minInsyncReplicas: 2 },
        timeoutMs: 1_000,
      }),
    ).rejects.toThrow(
      /^KAFKA_REPLICATION_FACTOR: 4 replicas per partition asked, but the cluster has 3 broker\(s\)/,
    );
  });

  describe('replication 3, min.insync.replicas 2, acks=all', () => {
    const topic = `orders-${randomUUID()}`;
    let producer: Producer;
    const sent: string[] = [];

    async function produce(from: number, count: number): Promise<void> {
      const values = Array.from({ length: count }, (_, i) => `m-${from + i}`);
      await producer.send({ topic, acks: -1, messages: values.map((value) => ({ key: value, value })) });
      sent.push(...values);
    }

    beforeAll(async () => {
      await ensureTopics(kafka, [{ topic, numPartitions: 3 }], {
        durability: { replicationFactor: 3, minInsyncReplicas: 2 },
      });
      producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
    });

    afterAll(() => producer?.disconnect());

    it('keeps producing and consuming every acknowledged record when one broker is killed (SIGKILL)', async () => {
      await produce(0, 100);
      const leader = (await replicasOf(topic))[0].leader;

      await cluster.kill(leader);
      expect(() => cluster.pid(leader)).toThrow(/not running/);
      await produce(100, 100);
      await eventually(
        async () => {
          for (const p of await replicasOf(topic)) {
            expect(p.isr).not.toContain(leader);
            expect(p.leader).not.toBe(leader);
          }
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      await produce(200, 100);

      const read = await readTopicToEnd(cluster.brokers, topic);
      expect(read.map((r) => r.value).sort()).toEqual([...sent].sort());
    });

    it('takes a restarted broker back into every in-sync replica set', async () => {
      const down = cluster.nodeIds.find((id) => {
        try {
          cluster.pid(id);
          return false;
        } catch {
          return true;
        }
      });
      expect(down).toBeDefined();
      await cluster.restart(down as number);
      await eventually(
        async () => {
          for (const p of await replicasOf(topic)) expect(p.isr.sort()).toEqual([1, 2, 3]);
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      await produce(300, 10);
      expect(await readTopicToEnd(cluster.brokers, topic)).toHaveLength(sent.length);
    });
  });

  describe('a send whose partitions change leader under it', () => {
    const topic = `moving-${randomUUID()}`;
    const warnings: string[] = [];

    async function partitionsOf(topic: string) {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0].partitions;
    }

    /** A client as the apps make one: kafkajs's warnings go to their log. */
    function appKafka(): Kafka {
      return new Kafka({
        clientId: 'moving-leader-test',
        brokers: cluster.brokers.split(','),
        logLevel: logLevel.WARN,
        logCreator: () => (entry) => void warnings.push(entry.log.message),
      });
    }

    beforeAll(async () => {
      await ensureTopics(kafka, [{ topic, numPartitions: 6 }], {
        durability: { replicationFactor: 3, minInsyncReplicas: 2 },
      });
      await eventually(
        async () => {
          const partitions = await replicasOf(topic);
          for (const p of partitions) expect(p.isr.sort()).toEqual([1, 2, 3]);
          // every node leads some partition, so a send to all of them goes to every node
          expect(new Set(partitions.map((p) => p.leader)).size).toBe(3);
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    });

    it('stores every record, though the node it sent some to no longer led them and they moved to nodes that had answered', async () => {
      const producer = new RenewingProducer(appKafka(), {
        idempotent: true,
        maxInFlightRequests: 1,
        retry: { retries: 5, initialRetryTime: 300 },
      });
      await producer.connect();
      const keys = Array.from({ length: 60 }, (_, i) => `subject-${i}`);
      const send = (round: string) =>
        producer.send({ topic, acks: -1, messages: keys.map((key) => ({ key, value: `${round}/${key}` })) });
      try {
        // the producer learns the leaders; then a node's partitions move to the others, unknown to it
        await send('before');
        const partitions = await partitionsOf(topic);
        const leaving = partitions[0].leader;
        const others = cluster.nodeIds.filter((id) => id !== leaving);
        const moved = partitions.filter((p) => p.leader === leaving).map((p) => p.partitionId);
        await admin.alterPartitionReassignments({
          topics: [
            { topic, partitionAssignment: moved.map((partition) => ({ partition, replicas: others })) },
          ],
        });
        await eventually(
          async () => {
            const now = await partitionsOf(topic);
            for (const p of now.filter((p) => moved.includes(p.partitionId)))
              expect(p.replicas.sort()).toEqual(others);
            expect(now.map((p) => p.leader)).not.toContain(leaving);
          },
          { timeoutMs: 60_000, intervalMs: 500 },
        );

        await send('after');

        const values = (await readTopicToEnd(cluster.brokers, topic)).map((r) => r.value);
        // kafkajs may write a record twice (a retry beside a request still in flight): only loss counts here
        expect([...new Set(values.filter((v) => v?.startsWith('after/')))].sort()).toEqual(
          keys.map((k) => `after/${k}`).sort(),
        );
        // the send took the path kafkajs alone answers without sending those partitions' records
        expect(warnings).toContain(
          'kafkajs resolved a send without acknowledgements of some partitions; sending their records again',
        );
      } finally {
        await producer.disconnect();
      }
    });
  });

  it('starts afresh: every node wiped, a new cluster id, no topic left', async () => {
    const before = (await admin.describeCluster()).clusterId;
    await admin.disconnect();
    await cluster.startFresh();
    await admin.connect();
    expect((await admin.describeCluster()).clusterId).not.toBe(before);
    expect((await admin.listTopics()).filter((t) => !t.startsWith('__'))).toEqual([]);
  });
});

import {
  type ICustomPartitioner,
  KafkaJSConnectionError,
  type Message,
  type PartitionMetadata,
  type Producer,
  type ProducerConfig,
  type RecordMetadata,
} from 'kafkajs';
import { KeyPartitioner } from './key-partitioner';
import { IncompleteSendError, RenewingProducer } from './renewing-producer';

// kafkajs's own produce path (2.2.4), so the test holds the library's retry logic, not a copy of it
type SendMessages = (
  deps: object,
) => (request: {
  acks: number;
  topicMessages: { topic: string; messages: Message[] }[];
}) => Promise<RecordMetadata[]>;
const sendMessages = jest.requireActual<SendMessages>('kafkajs/src/producer/sendMessages');
const createRetry = jest.requireActual<(options: object) => unknown>('kafkajs/src/retry');

const TOPIC = 'orgpulse.events.v1';
const threePartitions: PartitionMetadata[] = [0, 1, 2].map((partitionId) => ({
  partitionId,
  leader: 1,
  replicas: [1],
  isr: [1],
  offlineReplicas: [],
  partitionErrorCode: 0,
}));

interface Batch {
  partition: number;
  /** the producer's sequence number of its first record */
  sequence: number;
  keys: string[];
}

type ProduceRequest = {
  topicData: {
    topic: string;
    partitions: { partition: string; firstSequence: number; messages: Message[] }[];
  }[];
};

/**
 * Three partitions led by nodes 1, 2, 3. Node 3 dies on its first request, and its partition moves to
 * node 1, whose request of the same send was already answered. Like a broker, a partition's log takes a
 * batch whose sequence numbers it already holds for a duplicate, and answers without appending it.
 */
class MovingLeaderCluster {
  /** Each partition's log, as the node that appended each batch left it. */
  readonly log: (Batch & { node: number })[] = [];
  /** Every produce request a node received, accepted or not. */
  readonly requests: (Batch & { node: number })[] = [];
  leaders = new Map([
    [0, 1],
    [1, 2],
    [2, 3],
  ]);
  private readonly sequences = new Map<number, number>();

  /** landed: node 3 appends the request before it dies (its answer is what is lost). */
  constructor(private readonly landed = false) {}

  private append(node: number, batch: Batch): void {
    const duplicate = this.log.some(
      (b) =>
        b.partition === batch.partition &&
        b.sequence === batch.sequence &&
        b.keys.length === batch.keys.length,
    );
    if (!duplicate) this.log.push({ node, ...batch });
  }

  broker(nodeId: number) {
    return {
      nodeId,
      produce: async ({ topicData }: ProduceRequest) => {
        await Promise.resolve();
        const batches = topicData.flatMap(({ partitions }) =>
          partitions.map(({ partition, firstSequence, messages }) => ({
            partition: Number(partition),
            sequence: firstSequence,
            keys: messages.map((m) => String(m.key)),
          })),
        );
        this.requests.push(...batches.map((b) => ({ node: nodeId, ...b })));
        if (nodeId === 3) {
          if (this.landed) for (const b of batches) this.append(nodeId, b);
          this.leaders.set(2, 1);
          throw new KafkaJSConnectionError('Connection error: ECONNREFUSED');
        }
        for (const b of batches) this.append(nodeId, b);
        return {
          topics: topicData.map(({ topic, partitions }) => ({
            topicName: topic,
            partitions: partitions.map(({ partition }) => ({
              partition: Number(partition),
              errorCode: 0,
              baseOffset: '0',
            })),
          })),
        };
      },
    };
  }

  private readonly brokers = new Map([1, 2, 3].map((id) => [id, this.broker(id)]));

  /** A kafkajs producer over this cluster: its send is kafkajs's, only the network is faked. */
  producer(config: ProducerConfig): Producer {
    const partitioner = (config.createPartitioner ?? KeyPartitioner)();
    const send = sendMessages({
      logger: { debug: () => undefined, error: () => undefined, warn: () => undefined },
      partitioner,
      retrier: createRetry({ retries: 2, initialRetryTime: 1, maxRetryTime: 5 }),
      cluster: {
        refreshMetadataIfNecessary: () => Promise.resolve(),
        refreshMetadata: () => Promise.resolve(),
        addMultipleTargetTopics: () => Promise.resolve(),
        isConnected: () => true,
        removeBroker: () => undefined,
        findTopicPartitionMetadata: () =>
          [...this.leaders].map(([partitionId, leader]) => ({ partitionId, leader })),
        findLeaderForPartitions: (_topic: string, partitions: string[]) => {
          const byLeader: Record<number, number[]> = {};
          for (const p of partitions.map(Number)) (byLeader[this.leaders.get(p) as number] ??= []).push(p);
          return byLeader;
        },
        findBroker: ({ nodeId }: { nodeId: string }) => Promise.resolve(this.brokers.get(Number(nodeId))),
      },
      eosManager: {
        acquireBrokerLock: () => Promise.resolve(),
        releaseBrokerLock: () => Promise.resolve(),
        isTransactional: () => false,
        getProducerId: () => 1,
        getProducerEpoch: () => 0,
        getSequence: (_topic: string, partition: string) => this.sequences.get(Number(partition)) ?? 0,
        updateSequence: (_topic: string, partition: string, n: number) =>
          this.sequences.set(Number(partition), (this.sequences.get(Number(partition)) ?? 0) + n),
      },
    });
    const warnings: unknown[] = [];
    return {
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      logger: () => ({ warn: (...args: unknown[]) => warnings.push(args) }),
      send: ({ topic, messages, acks }: { topic: string; messages: Message[]; acks?: number }) =>
        send({ acks: acks ?? -1, topicMessages: [{ topic, messages }] }),
      warnings,
    } as unknown as Producer;
  }
}

/** Keys that KeyPartitioner spreads over partitions 0, 1 and 2 of three. */
function keysOverThreePartitions(): string[] {
  const partition = KeyPartitioner();
  const byPartition = new Map<number, string>();
  for (let i = 0; byPartition.size < 3; i++) {
    const key = `org-1/team-${i}`;
    const p = partition({ topic: TOPIC, partitionMetadata: threePartitions, message: { key, value: '' } });
    if (!byPartition.has(p)) byPartition.set(p, key);
  }
  return [0, 1, 2].map((p) => byPartition.get(p) as string);
}

describe('RenewingProducer', () => {
  const keys = keysOverThreePartitions();
  const messages = () => keys.map((key) => ({ key, value: key }));

  const renewing = (cluster: MovingLeaderCluster, createPartitioner: ICustomPartitioner = KeyPartitioner) =>
    new RenewingProducer(
      { producer: (config?: ProducerConfig) => cluster.producer(config ?? {}) },
      { createPartitioner },
    );
  const stored = (cluster: MovingLeaderCluster) => cluster.log.flatMap((b) => b.keys).sort();

  it('given kafkajs alone, records of a partition whose leader moved to a broker that answered are not sent', async () => {
    const cluster = new MovingLeaderCluster();
    const answers = await cluster
      .producer({ createPartitioner: KeyPartitioner })
      .send({ topic: TOPIC, messages: messages() });

    expect(answers.map((a) => a.partition).sort()).toEqual([0, 1]);
    expect(stored(cluster)).not.toContain(keys[2]);
  });

  it('when a send resolves without a partition, sends its records again to the new leader, with the sequence numbers of the failed request', async () => {
    const cluster = new MovingLeaderCluster();

    const answers = await renewing(cluster).send({ topic: TOPIC, messages: messages() });

    expect(answers.map((a) => a.partition).sort()).toEqual([0, 1, 2]);
    expect(cluster.requests.filter((r) => r.partition === 2)).toEqual([
      { node: 3, partition: 2, sequence: 0, keys: [keys[2]] },
      { node: 1, partition: 2, sequence: 0, keys: [keys[2]] },
    ]);
    expect(stored(cluster)).toEqual([...keys].sort());
  });

  it('when the failed request had landed, its records are stored once: the new leader takes the re-send for a duplicate', async () => {
    const cluster = new MovingLeaderCluster(true);

    await renewing(cluster).send({ topic: TOPIC, messages: messages() });

    expect(cluster.log.filter((b) => b.partition === 2)).toEqual([
      { node: 3, partition: 2, sequence: 0, keys: [keys[2]] },
    ]);
    expect(stored(cluster)).toEqual([...keys].sort());
  });

  it('keeps each record on the partition first chosen for it, whatever the partitioner says later', async () => {
    const cluster = new MovingLeaderCluster();
    let calls = 0;
    // round robin, as for records without a key: 5 records over 3 partitions land elsewhere on each try
    const roundRobin: ICustomPartitioner = () => () => calls++ % 3;
    const five = Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));

    await renewing(cluster, roundRobin).send({ topic: TOPIC, messages: five });

    const partitionOf = new Map(cluster.log.flatMap((b) => b.keys.map((k) => [k, b.partition])));
    expect([...partitionOf].sort()).toEqual(five.map((m, i) => [m.key, i % 3]).sort());
    expect(cluster.log.flatMap((b) => b.keys)).toHaveLength(5);
  });

  it('fails the send when a partition stays unacknowledged, and goes on with a new producer', async () => {
    const created: { send: jest.Mock<Promise<unknown>, [{ messages: Message[] }]>; disconnect: jest.Mock }[] =
      [];
    const kafka = {
      producer: (config?: ProducerConfig) => {
        const partition = pinningPartitioner(config);
        const p = {
          connect: jest.fn(() => Promise.resolve()),
          disconnect: jest.fn(() => Promise.resolve()),
          logger: () => ({ warn: () => undefined }),
          // answers for partition 0 only, whatever was sent
          send: jest.fn(({ messages: sent }: { messages: Message[] }) => {
            sent.forEach(partition);
            return Promise.resolve([{ topicName: TOPIC, partition: 0, errorCode: 0 }]);
          }),
        };
        created.push(p);
        return p as unknown as Producer;
      },
    };
    const producer = new RenewingProducer(kafka, { createPartitioner: KeyPartitioner });

    const sending = producer.send({ topic: TOPIC, messages: messages() });

    await expect(sending).rejects.toEqual(new IncompleteSendError(TOPIC, [1, 2]));
    expect(created).toHaveLength(2);
    expect(created[0].send).toHaveBeenCalledTimes(3);
    expect(created[0].send.mock.calls[2][0].messages.map((m: Message) => m.key)).toEqual([keys[1], keys[2]]);
    expect(created[0].disconnect).toHaveBeenCalled();
  });

  it('does not ask for acknowledgements of a send with acks 0', async () => {
    const send = jest.fn(() => Promise.resolve([]));
    const producer = new RenewingProducer(
      { producer: () => ({ connect: () => Promise.resolve(), send }) as unknown as Producer },
      {},
    );

    await expect(producer.send({ topic: TOPIC, acks: 0, messages: messages() })).resolves.toEqual([]);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('renews the producer after any failed send, so no sequence number of a send that may have landed is used again', async () => {
    const created: { send: jest.Mock; disconnect: jest.Mock }[] = [];
    const kafka = {
      producer: () => {
        const p = {
          connect: jest.fn(() => Promise.resolve()),
          disconnect: jest.fn(() => Promise.resolve()),
          send: jest.fn(() =>
            created.length === 1
              ? Promise.reject(new KafkaJSConnectionError('Connection timeout'))
              : Promise.resolve([]),
          ),
        };
        created.push(p);
        return p as unknown as Producer;
      },
    };
    const producer = new RenewingProducer(kafka, {});

    await expect(producer.send({ topic: TOPIC, messages: [] })).rejects.toThrow('Connection timeout');
    await producer.send({ topic: TOPIC, messages: [] });

    expect(created).toHaveLength(2);
    expect(created[0].disconnect).toHaveBeenCalled();
    expect(created[1].send).toHaveBeenCalledTimes(1);
  });

  describe('one send at a time', () => {
    /** Producers whose sends settle when the test says, and whose connects may fail. */
    function controlled(connects: (() => Promise<void>)[] = []) {
      const made: { sends: { settle: (error?: Error) => void }[]; disconnect: jest.Mock }[] = [];
      const kafka = {
        producer: () => {
          const index = made.length;
          const p = {
            sends: [] as { settle: (error?: Error) => void }[],
            connect: () => (connects[index] ?? (() => Promise.resolve()))(),
            disconnect: jest.fn(() => Promise.resolve()),
            send: () =>
              new Promise<RecordMetadata[]>((resolve, reject) =>
                p.sends.push({ settle: (error) => (error ? reject(error) : resolve([])) }),
              ),
          };
          made.push(p);
          return p as unknown as Producer;
        },
      };
      return { made, producer: new RenewingProducer(kafka, {}) };
    }
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    it('a send waits until the one before it settled, so nothing takes the sequence numbers a failed request gave back', async () => {
      const { made, producer } = controlled();
      const first = producer.send({ topic: TOPIC, messages: [] });
      const second = producer.send({ topic: TOPIC, messages: [] });
      await tick();
      expect(made[0].sends).toHaveLength(1);

      made[0].sends[0].settle(new KafkaJSConnectionError('Connection timeout'));
      await expect(first).rejects.toThrow('Connection timeout');
      await tick();
      expect(made).toHaveLength(2);
      expect(made[0].sends).toHaveLength(1);
      made[1].sends[0].settle();
      await expect(second).resolves.toEqual([]);
    });

    it('a renewed producer that cannot connect is left disconnected, so its send fails at once and renews it again', async () => {
      const { made, producer } = controlled([
        () => Promise.resolve(),
        () => Promise.reject(new KafkaJSConnectionError('Connection error: ECONNREFUSED')),
      ]);
      const first = producer.send({ topic: TOPIC, messages: [] });
      await tick();
      made[0].sends[0].settle(new KafkaJSConnectionError('Connection error: ECONNREFUSED'));
      await expect(first).rejects.toThrow();
      await tick();

      expect(made).toHaveLength(2);
      expect(made[1].disconnect).toHaveBeenCalled();
    });

    it('renews nothing once disconnected', async () => {
      const { made, producer } = controlled();
      const sending = producer.send({ topic: TOPIC, messages: [] });
      await tick();
      await producer.disconnect();
      made[0].sends[0].settle(new KafkaJSConnectionError('Connection closed'));

      await expect(sending).rejects.toThrow('Connection closed');
      expect(made).toHaveLength(1);
    });
  });
});

/** What kafkajs does with a producer's partitioner: asks it for each record, over three partitions. */
function pinningPartitioner(config: ProducerConfig = {}): (message: Message) => number {
  const partition = (config.createPartitioner ?? KeyPartitioner)();
  return (message) => partition({ topic: TOPIC, partitionMetadata: threePartitions, message });
}

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

interface Produced {
  node: number;
  partition: number;
  keys: string[];
}

/**
 * Three partitions led by nodes 1, 2, 3. Node 3 dies on its first request, and its partition moves to
 * node 1, whose request of the same send was already answered.
 */
class MovingLeaderCluster {
  readonly produced: Produced[] = [];
  leaders = new Map([
    [0, 1],
    [1, 2],
    [2, 3],
  ]);
  private readonly sequences = new Map<number, number>();

  broker(nodeId: number) {
    return {
      nodeId,
      produce: async ({
        topicData,
      }: {
        topicData: { topic: string; partitions: { partition: string; messages: Message[] }[] }[];
      }) => {
        await Promise.resolve();
        if (nodeId === 3) {
          this.leaders.set(2, 1);
          throw new KafkaJSConnectionError('Connection error: ECONNREFUSED');
        }
        return {
          topics: topicData.map(({ topic, partitions }) => ({
            topicName: topic,
            partitions: partitions.map(({ partition, messages }) => {
              this.produced.push({
                node: nodeId,
                partition: Number(partition),
                keys: messages.map((m) => String(m.key)),
              });
              return { partition: Number(partition), errorCode: 0, baseOffset: '0' };
            }),
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

  it('given kafkajs alone, a leader that dies mid-send and moves to a broker that answered loses its records', async () => {
    const cluster = new MovingLeaderCluster();
    const answers = await cluster
      .producer({ createPartitioner: KeyPartitioner })
      .send({ topic: TOPIC, messages: messages() });

    expect(answers.map((a) => a.partition).sort()).toEqual([0, 1]);
    expect(cluster.produced.flatMap((p) => p.keys)).not.toContain(keys[2]);
  });

  it('when a send resolves without a partition, sends its records again to the new leader', async () => {
    const cluster = new MovingLeaderCluster();
    const kafka = { producer: (config?: ProducerConfig) => cluster.producer(config ?? {}) };
    const producer = new RenewingProducer(kafka, { createPartitioner: KeyPartitioner });

    const answers = await producer.send({ topic: TOPIC, messages: messages() });

    expect(answers.map((a) => a.partition).sort()).toEqual([0, 1, 2]);
    expect(cluster.produced).toContainEqual({ node: 1, partition: 2, keys: [keys[2]] });
    expect(cluster.produced.flatMap((p) => p.keys).sort()).toEqual([...keys].sort());
  });

  it('keeps each record on the partition first chosen for it, whatever the partitioner says later', async () => {
    const cluster = new MovingLeaderCluster();
    let calls = 0;
    // round robin, as for records without a key: a re-send must not move a record to another partition
    const roundRobin: ICustomPartitioner = () => () => calls++ % 3;
    const producer = new RenewingProducer(
      { producer: (config?: ProducerConfig) => cluster.producer(config ?? {}) },
      { createPartitioner: roundRobin },
    );

    await producer.send({ topic: TOPIC, messages: messages() });

    const partitionOf = new Map(cluster.produced.flatMap((p) => p.keys.map((k) => [k, p.partition])));
    expect([...partitionOf].sort()).toEqual(keys.map((k, i) => [k, i]).sort());
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
});

/** What kafkajs does with a producer's partitioner: asks it for each record, over three partitions. */
function pinningPartitioner(config: ProducerConfig = {}): (message: Message) => number {
  const partition = (config.createPartitioner ?? KeyPartitioner)();
  return (message) => partition({ topic: TOPIC, partitionMetadata: threePartitions, message });
}

import {
  type Kafka,
  type Message,
  Partitioners,
  type Producer,
  type ProducerConfig,
  type ProducerRecord,
  type RecordMetadata,
} from 'kafkajs';

/** Sends of one record set at most, the first included, before it fails as incomplete. */
const SENDS_PER_RECORD_SET = 3;

/**
 * Unless the caller says otherwise: kafkajs retries an idempotent producer's send for ever, and the sends
 * queued behind it would wait as long. A send that runs out of retries renews the producer, which keeps
 * the guarantee that kafkajs's unbounded retries are for.
 */
const BOUNDED_RETRY = { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 };

/** A send that Kafka did not acknowledge for every partition its records went to. */
export class IncompleteSendError extends Error {
  constructor(
    readonly topic: string,
    readonly partitions: readonly number[],
  ) {
    super(`Kafka acknowledged no records of ${topic} partition(s) ${partitions.join(', ')}`);
    this.name = 'IncompleteSendError';
  }
}

type PinnedMessage = Message & { partition: number };

/**
 * A producer that outlives the cluster under it, and whose send resolves only when Kafka acknowledged
 * every record of it. Sends go out one at a time, in call order.
 *
 * - After a failed send, the next one goes through a new producer, with a new id. Without this an idempotent
 *   producer fails forever once the broker no longer knows its id (Kafka wiped or replaced at the same
 *   address); and kafkajs gives the sequence numbers of a failed request to the next records of its
 *   partitions, so records of the same count after a request that failed but landed are taken for
 *   duplicates and dropped.
 * - kafkajs 2.2.4 resolves a send without sending the records of partitions whose request failed and whose
 *   new leader had already answered for other partitions of the send (its retry skips brokers with a
 *   response): a broker that dies, or a reassignment. Each record's partition is pinned when first chosen,
 *   and what no acknowledgement covers is sent again, with the sequence numbers of the failed request, so a
 *   copy that did land is recognised. Nothing else may send in between: hence one send at a time.
 */
export class RenewingProducer {
  private producer: Producer;
  private readonly config: ProducerConfig;
  /** The connect of a renewed producer: the next send waits for it. */
  private ready: Promise<void> = Promise.resolve();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly kafka: Pick<Kafka, 'producer'>,
    config: ProducerConfig,
  ) {
    const choose = config.createPartitioner ?? Partitioners.DefaultPartitioner;
    this.config = {
      ...config,
      retry: config.retry ?? BOUNDED_RETRY,
      createPartitioner: () => {
        const partitioner = choose();
        return (args) => {
          const { message } = args;
          message.partition ??= partitioner(args);
          return message.partition;
        };
      },
    };
    this.producer = kafka.producer(this.config);
  }

  connect(): Promise<void> {
    this.closed = false;
    return this.producer.connect();
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    await this.ready;
    await this.producer.disconnect();
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    const sending = this.queue.then(() => this.sendNow(record));
    this.queue = sending.catch(() => undefined);
    return sending;
  }

  private async sendNow(record: ProducerRecord): Promise<RecordMetadata[]> {
    await this.ready;
    try {
      return await this.sendAll(this.producer, record);
    } catch (error) {
      this.renew();
      throw error;
    }
  }

  private async sendAll(producer: Producer, record: ProducerRecord): Promise<RecordMetadata[]> {
    // copies, so the partition pinned on each is this send's alone
    let messages = record.messages.map((m) => ({ ...m }));
    const answered: RecordMetadata[] = [];
    for (let sends = 1; ; sends++) {
      const answers = await producer.send({ ...record, messages });
      answered.push(...answers);
      if (record.acks === 0) return answered;
      const acknowledged = new Set(
        answers.filter((a) => a.topicName === record.topic).map((a) => a.partition),
      );
      const missed = (messages as PinnedMessage[]).filter((m) => !acknowledged.has(m.partition));
      if (missed.length === 0) return answered;
      const partitions = [...new Set(missed.map((m) => m.partition))].sort((a, b) => a - b);
      if (sends === SENDS_PER_RECORD_SET) throw new IncompleteSendError(record.topic, partitions);
      producer
        .logger()
        .warn(
          'kafkajs resolved a send without acknowledgements of some partitions; sending their records again',
          {
            topic: record.topic,
            partitions,
            records: missed.length,
          },
        );
      messages = missed;
    }
  }

  /** A producer whose connect fails is left disconnected: its first send fails at once and renews it. */
  private renew(): void {
    if (this.closed) return;
    const stale = this.producer;
    const fresh = this.kafka.producer(this.config);
    this.producer = fresh;
    void stale.disconnect().catch(() => undefined);
    this.ready = fresh.connect().catch(() => fresh.disconnect().catch(() => undefined));
  }
}

import {
  type Kafka,
  type Message,
  Partitioners,
  type Producer,
  type ProducerConfig,
  type ProducerRecord,
  type RecordMetadata,
} from 'kafkajs';

/** Sends of the records kafkajs answered for without sending, before the send fails. */
const COMPLETION_ROUNDS = 3;

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
 * every record of it.
 *
 * - When a send fails, the next one goes through a new producer, with a new id. Without this an idempotent
 *   producer fails forever once the broker no longer knows its id (Kafka wiped or replaced at the same
 *   address); and a producer that reuses the sequence numbers of a send that failed but landed has its next
 *   records of that size taken for duplicates and dropped.
 * - kafkajs 2.2.4 resolves a send without sending the records of partitions whose leader died mid-send and
 *   moved to a broker that had already answered (its retry skips brokers with a response). Each record's
 *   partition is pinned when first chosen, and what no acknowledgement covers is sent again.
 */
export class RenewingProducer {
  private producer: Producer;
  private readonly config: ProducerConfig;

  constructor(
    private readonly kafka: Pick<Kafka, 'producer'>,
    config: ProducerConfig,
  ) {
    const choose = config.createPartitioner ?? Partitioners.DefaultPartitioner;
    this.config = {
      ...config,
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
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    const producer = this.producer;
    try {
      return await this.sendAll(producer, record);
    } catch (error) {
      // a producer already renewed by a send that failed at the same time is not renewed again
      if (producer === this.producer) await this.renew();
      throw error;
    }
  }

  private async sendAll(producer: Producer, record: ProducerRecord): Promise<RecordMetadata[]> {
    // copies, so the partition pinned on each is this send's alone
    let messages = record.messages.map((m) => ({ ...m }));
    const answered: RecordMetadata[] = [];
    for (let round = 1; ; round++) {
      const answers = await producer.send({ ...record, messages });
      answered.push(...answers);
      if (record.acks === 0) return answered;
      const acknowledged = new Set(
        answers.filter((a) => a.topicName === record.topic).map((a) => a.partition),
      );
      const missed = (messages as PinnedMessage[]).filter((m) => !acknowledged.has(m.partition));
      if (missed.length === 0) return answered;
      const partitions = [...new Set(missed.map((m) => m.partition))].sort((a, b) => a - b);
      if (round === COMPLETION_ROUNDS) throw new IncompleteSendError(record.topic, partitions);
      producer
        .logger()
        .warn('Kafka answered a send without acknowledging some partitions; sending their records again', {
          topic: record.topic,
          partitions,
          records: missed.length,
        });
      messages = missed;
    }
  }

  private async renew(): Promise<void> {
    const stale = this.producer;
    this.producer = this.kafka.producer(this.config);
    await stale.disconnect().catch(() => undefined);
    await this.producer.connect().catch(() => undefined);
  }
}

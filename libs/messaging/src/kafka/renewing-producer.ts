import type { Kafka, Producer, ProducerConfig, ProducerRecord, RecordMetadata } from 'kafkajs';
import { isStaleProducerError } from './stale-producer';

/**
 * A producer that outlives the cluster under it: when the broker no longer knows its id or sequence
 * (Kafka wiped or replaced at the same address), the failed send is reported as usual and the next one
 * goes through a new producer, with a new id. Without this an idempotent producer fails forever.
 */
export class RenewingProducer {
  private producer: Producer;

  constructor(
    private readonly kafka: Pick<Kafka, 'producer'>,
    private readonly config: ProducerConfig,
  ) {
    this.producer = kafka.producer(config);
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
      return await producer.send(record);
    } catch (error) {
      // a producer left unconnected by an earlier renewal is renewed again on its next failure
      if (
        (isStaleProducerError(error) || /producer is disconnected/i.test(String(error))) &&
        producer === this.producer
      )
        await this.renew();
      throw error;
    }
  }

  private async renew(): Promise<void> {
    const stale = this.producer;
    this.producer = this.kafka.producer(this.config);
    await stale.disconnect().catch(() => undefined);
    await this.producer.connect().catch(() => undefined);
  }
}

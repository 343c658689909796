import { Topics } from '@orgpulse/contracts';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';

export interface DeadLetter {
  message: KafkaMessage;
  partition: number;
  error: string;
}

/** Records the projector cannot process go to the dead-letter topic, as received, with the error and origin. */
export class DeadLetterPublisher {
  private readonly producer: Producer;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async publish(sourceTopic: string, letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.producer.send({
      topic: Topics.eventsDeadLetter,
      acks: -1,
      messages: letters.map(({ message, partition, error }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          'orgpulse-error': error.slice(0, 4000),
          'orgpulse-origin-topic': sourceTopic,
          'orgpulse-origin-partition': String(partition),
          'orgpulse-origin-offset': message.offset,
          'orgpulse-origin-timestamp': message.timestamp,
        },
      })),
    });
  }
}

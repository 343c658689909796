import { Topics } from '@orgpulse/contracts';
import type { Kafka, Message, Producer } from 'kafkajs';

/** Produces accepted events; resolves only once every in-sync replica has them (acks=all). */
export class EventPublisher {
  private readonly producer: Producer;

  constructor(kafka: Kafka) {
    // Idempotent production needs a single in-flight request (kafkajs #598). Few, short retries ride
    // out a leader change; an unreachable broker becomes a quick 503 the client can retry.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async publish(messages: Message[]): Promise<void> {
    await this.producer.send({ topic: Topics.events, messages, acks: -1 });
  }
}

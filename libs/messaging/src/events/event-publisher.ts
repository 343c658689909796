import { Topics } from '@orgpulse/contracts';
import type { Kafka, Message, Producer } from 'kafkajs';

interface Waiting {
  messages: Message[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Keeps a group's records under the broker's default message.max.bytes (1 MiB) whatever the spread. */
export const MAX_GROUP_BYTES = 900 * 1024;

const sizeOf = (messages: readonly Message[]) =>
  messages.reduce((sum, m) => sum + (m.value?.length ?? 0) + (m.key?.length ?? 0), 0);

/**
 * Produces accepted events; resolves only once every in-sync replica has them (acks=all).
 * Requests that arrive while a send is in flight go out together in the next one (group commit):
 * one request in flight is what idempotence allows, so this is what lets concurrent requests scale.
 */
export class EventPublisher {
  private readonly producer: Producer;
  private readonly waiting: Waiting[] = [];
  private sending = false;

  constructor(kafka: Pick<Kafka, 'producer'>) {
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

  publish(messages: Message[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ messages, bytes: sizeOf(messages), resolve, reject });
      if (!this.sending) void this.sendWaiting();
    });
  }

  private async sendWaiting(): Promise<void> {
    this.sending = true;
    while (this.waiting.length > 0) {
      const group = this.nextGroup();
      try {
        await this.producer.send({
          topic: Topics.events,
          messages: group.flatMap((w) => w.messages),
          acks: -1,
        });
        for (const w of group) w.resolve();
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    this.sending = false;
  }

  private nextGroup(): Waiting[] {
    const group = [this.waiting.shift() as Waiting];
    let bytes = group[0].bytes;
    while (this.waiting.length > 0 && bytes + this.waiting[0].bytes <= MAX_GROUP_BYTES) {
      const next = this.waiting.shift() as Waiting;
      bytes += next.bytes;
      group.push(next);
    }
    return group;
  }
}

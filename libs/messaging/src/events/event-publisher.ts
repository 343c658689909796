import { Topics } from '@orgpulse/contracts';
import { SpanKind, inSpan, traceHeaders } from '@orgpulse/platform';
import type { Kafka, Message, Producer } from 'kafkajs';
import { KeyPartitioner } from '../kafka/key-partitioner';
import { RenewingProducer } from '../kafka/renewing-producer';

type Lane = Pick<Producer, 'connect' | 'disconnect' | 'send'>;

/** Keeps a group's records under the broker's default message.max.bytes (1 MiB) whatever the spread. */
export const MAX_GROUP_BYTES = 900 * 1024;

export interface PublisherLimits {
  /** How long a publish may take, waiting included; past it, it fails. */
  timeoutMs: number;
  /** Record bytes admitted and not yet answered by Kafka (waiting or in flight); past it, a publish fails at once. */
  maxPendingBytes: number;
  /** Publishes admitted and not yet settled; past it, a publish fails at once. */
  maxPendingRequests: number;
  /** Producers sending groups side by side (each one request in flight, as idempotence wants). */
  lanes: number;
}

/** What an operator sees of publishing: each publish's records, outcome and time, waiting included. */
export interface PublishMeter {
  settled(
    outcome: 'published' | PublishRefusedError['reason'] | 'failed',
    records: number,
    seconds: number,
  ): void;
}

export const DEFAULT_PUBLISHER_LIMITS: PublisherLimits = {
  timeoutMs: 5_000,
  maxPendingBytes: 16 * 1024 * 1024,
  maxPendingRequests: 1_000,
  lanes: 1,
};

/** A publish refused before Kafka answered: the backlog is full, or the deadline passed. */
export class PublishRefusedError extends Error {
  constructor(
    readonly reason: 'backlog-full' | 'deadline',
    message: string,
  ) {
    super(message);
    this.name = 'PublishRefusedError';
  }
}

interface Pending {
  messages: Message[];
  bytes: number;
  settled: boolean;
  timer?: NodeJS.Timeout;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const byteLength = (value: Buffer | string | null | undefined) =>
  typeof value === 'string' ? Buffer.byteLength(value) : (value?.length ?? 0);
const sizeOf = (messages: readonly Message[]) =>
  messages.reduce((sum, m) => sum + byteLength(m.value) + byteLength(m.key), 0);

/**
 * Produces accepted events; resolves only once every in-sync replica has them (acks=all).
 * Requests that arrive while a send is in flight go out together in the next one (group commit):
 * one request in flight is what idempotence allows, so this is what lets concurrent requests scale.
 *
 * Bounded: a publish fails at once when the backlog is full, and fails at its deadline otherwise, so a
 * Kafka that does not answer costs bounded memory and time. A publish that failed is never reported as a
 * success; if its records were already in flight they may still land, which deduplication by event id
 * downstream makes harmless (the client was told to retry the same request).
 */
export class EventPublisher {
  private readonly producers: Lane[];
  private readonly idle: Lane[];
  private readonly limits: PublisherLimits;
  private readonly waiting: Pending[] = [];
  private pendingBytes = 0;
  private pendingRequests = 0;

  constructor(
    kafka: Pick<Kafka, 'producer'>,
    limits: Partial<PublisherLimits> = {},
    private readonly meter?: PublishMeter,
  ) {
    this.limits = { ...DEFAULT_PUBLISHER_LIMITS, ...limits };
    // Idempotent production needs a single in-flight request (kafkajs #598). Few, short retries ride
    // out a leader change; an unreachable broker becomes a quick 503 the client can retry.
    // Several producers send side by side: requests in flight at once have no order between them
    // anyway, and each request's events go out in one send, so a subject's events keep their order.
    const lane = () =>
      new RenewingProducer(kafka, {
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: KeyPartitioner,
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
      });
    this.producers = Array.from({ length: Math.max(1, this.limits.lanes) }, lane);
    this.idle = [...this.producers];
  }

  async connect(): Promise<void> {
    await Promise.all(this.producers.map((p) => p.connect()));
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.producers.map((p) => p.disconnect()));
  }

  /** What is admitted and not yet answered by Kafka, for health and tests. */
  get backlog(): { bytes: number; requests: number } {
    return { bytes: this.pendingBytes, requests: this.pendingRequests };
  }

  /** Whether any publish would be refused now: lets a caller refuse before it reads and parses a request. */
  get full(): boolean {
    const { maxPendingBytes, maxPendingRequests } = this.limits;
    return this.pendingRequests >= maxPendingRequests || this.pendingBytes >= maxPendingBytes;
  }

  /**
   * In a producer span, child of the active one (the ingest request's): its W3C context goes into every
   * record's headers, so the projector continues the trace.
   */
  publish(messages: Message[]): Promise<void> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    return inSpan(
      `${Topics.events} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': Topics.events,
          'messaging.batch.message_count': messages.length,
        },
      },
      async () => {
        const trace = traceHeaders();
        const traced =
          Object.keys(trace).length === 0
            ? messages
            : messages.map((m) => ({ ...m, headers: { ...m.headers, ...trace } }));
        try {
          await this.admit(traced);
          this.meter?.settled('published', messages.length, seconds());
        } catch (error) {
          const outcome = error instanceof PublishRefusedError ? error.reason : 'failed';
          this.meter?.settled(outcome, messages.length, seconds());
          throw error;
        }
      },
    );
  }

  private admit(messages: Message[]): Promise<void> {
    const bytes = sizeOf(messages);
    const { maxPendingBytes, maxPendingRequests, timeoutMs } = this.limits;
    // An empty backlog admits any one request, so no valid request is refused for its size alone.
    if (
      this.pendingRequests >= maxPendingRequests ||
      (this.pendingBytes > 0 && this.pendingBytes + bytes > maxPendingBytes)
    ) {
      return Promise.reject(
        new PublishRefusedError(
          'backlog-full',
          `publish backlog full (${this.pendingRequests} requests, ${this.pendingBytes} bytes waiting for Kafka)`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const pending: Pending = { messages, bytes, settled: false, resolve, reject };
      pending.timer = setTimeout(() => this.expire(pending), timeoutMs).unref();
      this.pendingBytes += bytes;
      this.pendingRequests += 1;
      this.waiting.push(pending);
      this.startIdleLanes();
    });
  }

  private expire(pending: Pending): void {
    const index = this.waiting.indexOf(pending);
    // Not sent yet: it never will be. In flight: its bytes are held until Kafka answers the send.
    if (index >= 0) {
      this.waiting.splice(index, 1);
      this.pendingBytes -= pending.bytes;
    }
    this.settle(
      pending,
      new PublishRefusedError('deadline', `Kafka did not take the events within ${this.limits.timeoutMs} ms`),
    );
  }

  private settle(pending: Pending, error?: unknown): void {
    if (pending.settled) return;
    pending.settled = true;
    clearTimeout(pending.timer);
    this.pendingRequests -= 1;
    if (error === undefined) pending.resolve();
    else pending.reject(error);
  }

  private startIdleLanes(): void {
    while (this.idle.length > 0 && this.waiting.length > 0) void this.sendWaiting(this.idle.shift() as Lane);
  }

  private async sendWaiting(producer: Lane): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.nextGroup();
      try {
        await producer.send({
          topic: Topics.events,
          messages: group.flatMap((p) => p.messages),
          acks: -1,
        });
        for (const p of group) this.settle(p);
      } catch (error) {
        for (const p of group) this.settle(p, error);
      } finally {
        for (const p of group) this.pendingBytes -= p.bytes;
      }
    }
    this.idle.push(producer);
  }

  private nextGroup(): Pending[] {
    const group = [this.waiting.shift() as Pending];
    let bytes = group[0].bytes;
    while (this.waiting.length > 0 && bytes + this.waiting[0].bytes <= MAX_GROUP_BYTES) {
      const next = this.waiting.shift() as Pending;
      bytes += next.bytes;
      group.push(next);
    }
    return group;
  }
}

import { randomUUID } from 'node:crypto';
import { AlertOutbox } from '@orgpulse/persistence';
import { type Logger, describeError } from '@orgpulse/platform';
import type { DataSource } from 'typeorm';
import type { DeliverAlertsHandler } from './deliver-alerts.handler';

export interface DispatchOptions {
  /** webhook requests in flight in this instance */
  concurrency: number;
  /** Kafka deliveries per send; one Kafka send is in flight at a time, beside the webhooks' */
  kafkaBatch: number;
  /** sends in flight per webhook, across instances */
  perWebhook: number;
  pollMs: number;
}

/**
 * Sends the outbox on its own loop, apart from evaluation: each delivery is leased and sent
 * independently with its own deadline, so a receiver that never answers holds at most its own
 * webhook's few slots, and every other webhook and org keeps flowing.
 */
export class DeliveryDispatcher {
  private readonly claimant = randomUUID();
  private readonly outbox: AlertOutbox;
  private readonly sending = new Set<Promise<void>>();
  private webhooksInFlight = 0;
  private kafkaInFlight = false;
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private filling: Promise<void> | undefined;
  private refill = false;
  private stopped = false;

  constructor(
    db: DataSource,
    private readonly handler: DeliverAlertsHandler,
    private readonly options: DispatchOptions,
    private readonly logger: Logger,
  ) {
    this.outbox = new AlertOutbox(db);
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.pollMs);
    this.wake();
  }

  /**
   * Cuts webhook sends in flight short (each is recorded as an attempt, due again at once for
   * another instance) rather than wait for receivers that may never answer.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.filling;
    this.stopping.abort();
    await Promise.allSettled([...this.sending]);
  }

  /** Claims what is due into the free slots now (after a change was enqueued, a send ended, or on the clock). */
  wake(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.refill = true;
      return;
    }
    this.filling = this.fill()
      .catch((error: unknown) =>
        this.logger.error({ err: describeError(error) }, 'could not claim alert deliveries; retrying'),
      )
      .finally(() => {
        this.filling = undefined;
        if (this.refill) {
          this.refill = false;
          this.wake();
        }
      });
  }

  /**
   * Every Kafka delivery claimed goes in one send: a claim and its record cost about the same for 50
   * deliveries as for 500, so a sweep's thousands of alerts take few of them. Each webhook delivery is a
   * request of its own.
   */
  private async fill(): Promise<void> {
    const free = Math.max(0, this.options.concurrency - this.webhooksInFlight);
    const kafkaLimit = this.kafkaInFlight ? 0 : this.options.kafkaBatch;
    if (free === 0 && kafkaLimit === 0) return;
    const claimed = await this.outbox.claim({
      limit: free,
      kafkaLimit,
      perWebhook: this.options.perWebhook,
      leaseMs: this.handler.longestSendMs + 30_000,
      claimant: this.claimant,
    });
    const kafka = claimed.filter((d) => d.channel === 'kafka');
    if (kafka.length > 0) {
      const sending = this.handler.deliverToKafka(kafka, this.claimant);
      this.kafkaInFlight = true;
      this.track(kafka[0].id, sending, () => {
        this.kafkaInFlight = false;
      });
    }
    for (const delivery of claimed.filter((d) => d.channel !== 'kafka')) {
      const sending = this.handler.deliver(delivery, this.claimant, this.stopping.signal);
      this.webhooksInFlight++;
      this.track(delivery.id, sending, () => {
        this.webhooksInFlight--;
      });
    }
  }

  private track(first: string, sending: Promise<void>, ended: () => void): void {
    const send: Promise<void> = sending
      .catch((error: unknown) =>
        // the outcome could not be recorded: the lease lapses and the delivery comes due again
        this.logger.error({ delivery: first, err: describeError(error) }, 'could not record a delivery'),
      )
      .finally(() => {
        ended();
        this.sending.delete(send);
        this.wake();
      });
    this.sending.add(send);
  }
}

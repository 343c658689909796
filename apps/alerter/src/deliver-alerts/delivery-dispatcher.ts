import { randomUUID } from 'node:crypto';
import { AlertOutbox } from '@orgpulse/persistence';
import { type Logger, describeError } from '@orgpulse/platform';
import type { DataSource } from 'typeorm';
import type { DeliverAlertsHandler } from './deliver-alerts.handler';

export interface DispatchOptions {
  /** sends in flight in this instance */
  concurrency: number;
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
  /** deliveries in flight (a Kafka batch counts each of its deliveries) */
  private inFlight = 0;
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

  private async fill(): Promise<void> {
    const free = this.options.concurrency - this.inFlight;
    if (free <= 0) return;
    const claimed = await this.outbox.claim({
      limit: free,
      perWebhook: this.options.perWebhook,
      leaseMs: this.handler.longestSendMs + 30_000,
      claimant: this.claimant,
    });
    // every Kafka delivery claimed goes in one send; each webhook delivery is a request of its own
    const kafka = claimed.filter((d) => d.channel === 'kafka');
    if (kafka.length > 0)
      this.track(kafka.length, kafka[0].id, this.handler.deliverToKafka(kafka, this.claimant));
    for (const delivery of claimed.filter((d) => d.channel !== 'kafka'))
      this.track(1, delivery.id, this.handler.deliver(delivery, this.claimant, this.stopping.signal));
  }

  private track(deliveries: number, first: string, sending: Promise<void>): void {
    this.inFlight += deliveries;
    const send: Promise<void> = sending
      .catch((error: unknown) =>
        // the outcome could not be recorded: the lease lapses and the delivery comes due again
        this.logger.error({ delivery: first, err: describeError(error) }, 'could not record a delivery'),
      )
      .finally(() => {
        this.inFlight -= deliveries;
        this.sending.delete(send);
        this.wake();
      });
    this.sending.add(send);
  }
}

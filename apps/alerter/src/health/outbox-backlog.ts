import { AlertOutbox } from '@orgpulse/persistence';
import type { DataSource } from 'typeorm';
import type { DeliveryBacklog } from './alerter-progress';

/** What the outbox holds, for /health and /metrics. */
export class OutboxBacklog {
  private readonly outbox: AlertOutbox;

  constructor(
    db: DataSource,
    private readonly perWebhook: number,
  ) {
    this.outbox = new AlertOutbox(db);
  }

  /** undefined when PostgreSQL does not answer: the database check says so already */
  async read(): Promise<DeliveryBacklog | undefined> {
    try {
      const [due, undelivered] = await Promise.all([
        this.outbox.dueBacklog(this.perWebhook),
        this.outbox.undelivered(),
      ]);
      return { ...due, undelivered };
    } catch {
      return undefined;
    }
  }
}

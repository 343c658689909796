import { AlertOutbox, AlertWatch } from '@orgpulse/persistence';
import type { DataSource } from 'typeorm';
import type { DeliveryBacklog } from './alerter-progress';

/** What the outbox holds and what waits to be judged, for /health and /metrics. */
export class OutboxBacklog {
  private readonly outbox: AlertOutbox;
  private readonly watch: AlertWatch;

  constructor(
    db: DataSource,
    private readonly perWebhook: number,
  ) {
    this.outbox = new AlertOutbox(db);
    this.watch = new AlertWatch(db.manager);
  }

  /** undefined when PostgreSQL does not answer: the database check says so already */
  async read(): Promise<DeliveryBacklog | undefined> {
    try {
      const [due, undelivered, judgements] = await Promise.all([
        this.outbox.dueBacklog(this.perWebhook),
        this.outbox.undelivered(),
        this.watch.dueBacklog(),
      ]);
      return {
        ...due,
        undelivered,
        dueJudgements: judgements.due,
        oldestDueJudgementSeconds: judgements.oldestDueSeconds,
      };
    } catch {
      return undefined;
    }
  }
}

import { AlertOutbox, AlertWatch } from '@orgpulse/persistence';
import type { DataSource } from 'typeorm';
import type { DeliveryBacklog } from './alerter-progress';

/**
 * What the outbox holds and what waits to be judged, for /health and /metrics: read on a timer of its
 * own, so probes and scrapes answer from memory however long the queries take under load.
 */
export class OutboxBacklog {
  private readonly outbox: AlertOutbox;
  private readonly watch: AlertWatch;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private lastRead: { backlog: DeliveryBacklog | undefined; at: number } | undefined;

  constructor(
    db: DataSource,
    private readonly perWebhook: number,
    private readonly intervalMs = 2_000,
  ) {
    this.outbox = new AlertOutbox(db);
    this.watch = new AlertWatch(db.manager);
  }

  start(): void {
    this.refresh();
    this.timer = setInterval(() => this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * The latest reading, undefined when PostgreSQL did not answer or it is too old to speak for now
   * (the database check says why).
   */
  latest(now = Date.now()): DeliveryBacklog | undefined {
    if (!this.lastRead || now - this.lastRead.at > 5 * this.intervalMs) return undefined;
    return this.lastRead.backlog;
  }

  private refresh(): void {
    this.reading ??= this.read()
      .then((backlog) => {
        this.lastRead = { backlog, at: Date.now() };
      })
      .finally(() => (this.reading = undefined));
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
        oldestBulkJudgementSeconds: judgements.oldestBulkSeconds,
        sweepingOrgs: judgements.sweeps,
      };
    } catch {
      return undefined;
    }
  }
}

import { type Logger, describeError } from '@orgpulse/platform';
import { Client } from 'pg';
import type { DeliverAlertsHandler } from '../deliver-alerts/deliver-alerts.handler';
import type { AlerterProgress } from '../health/alerter-progress';
import type { EvaluateAlertsHandler } from './evaluate-alerts.handler';

export const PROJECTIONS_CHANNEL = 'orgpulse_projections';

/**
 * Evaluates every org on a clock (alerts also open as time passes with no event), and an org at
 * once when the projector says its read models changed; then sends what the outbox holds.
 */
export class AlertScheduler {
  private timer: NodeJS.Timeout | undefined;
  private deliveryTimer: NodeJS.Timeout | undefined;
  private listener: Client | undefined;
  private readonly changed = new Set<string>();
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly queued = new Set<'all' | 'changed'>();

  constructor(
    private readonly evaluate: EvaluateAlertsHandler,
    private readonly deliver: DeliverAlertsHandler,
    private readonly databaseUrl: string,
    private readonly intervalMs: number,
    private readonly progress: AlerterProgress,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.listen();
    this.tick(true);
    this.timer = setInterval(() => this.tick(true), this.intervalMs);
    this.deliveryTimer = setInterval(() => this.tick(false), Math.min(1_000, this.intervalMs));
  }

  /** Lets the evaluation or delivery in progress finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.deliveryTimer);
    await this.running;
    await this.listener?.end().catch(() => undefined);
  }

  /** Queues a round unless one of the same kind is already waiting: slow rounds never pile up. */
  private tick(allOrgs: boolean): void {
    const kind = allOrgs ? 'all' : 'changed';
    if (this.queued.has(kind)) return;
    this.queued.add(kind);
    this.running = this.running.then(() => {
      this.queued.delete(kind);
      return this.work(allOrgs);
    });
  }

  private async work(allOrgs: boolean): Promise<void> {
    if (this.stopped) return;
    try {
      const orgs = allOrgs ? await this.evaluate.orgIds() : [...this.changed];
      this.changed.clear();
      for (const orgId of orgs) {
        const outcome = await this.evaluate.evaluate(orgId);
        if (outcome && outcome.raised + outcome.resolved > 0)
          this.logger.info({ orgId, ...outcome }, 'alerts changed');
      }
      if (allOrgs) this.progress.evaluationSucceeded();
      while ((await this.deliver.deliverDue()) > 0 && !this.stopped);
    } catch (error) {
      this.progress.evaluationFailed(describeError(error));
      this.logger.error({ err: describeError(error) }, 'alert evaluation failed; retrying on the next tick');
    }
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      if (message.payload) this.changed.add(message.payload);
    });
    client.on('error', (error) => {
      this.logger.warn(
        { err: describeError(error) },
        'lost the projection-change listener; the clock still evaluates',
      );
      this.listener = undefined;
      setTimeout(() => void this.listen().catch(() => undefined), 5_000);
    });
    await client.connect();
    await client.query(`LISTEN ${PROJECTIONS_CHANNEL}`);
    this.listener = client;
  }
}

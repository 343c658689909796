import { parseProjectionNotice } from '@orgpulse/persistence';
import { type Logger, describeError } from '@orgpulse/platform';
import { Client } from 'pg';
import type { DeliveryDispatcher } from '../deliver-alerts/delivery-dispatcher';
import type { AlerterProgress } from '../health/alerter-progress';
import type { AlerterTelemetry } from '../observability/alerter-telemetry';
import type { EvaluateAlertsHandler } from './evaluate-alerts.handler';

export const PROJECTIONS_CHANNEL = 'orgpulse_projections';

// During a backfill the projector reports changes many times a second, and one round reads every read
// model of each changed org (the bench measured it at two thirds of a core during E1 when rounds ran every
// second). Rounds over the changed orgs run at most this often: alerts still open within seconds of their
// condition, well inside the 60 s promise.
const CHANGED_ROUND_EVERY_MS = 5_000;

/**
 * Evaluates every org on a clock (alerts also open as time passes with no event), and an org at
 * once when the projector says its read models changed. Delivery runs on a loop of its own (the
 * dispatcher), woken when a change is enqueued: no receiver can hold up an evaluation.
 */
export class AlertScheduler {
  private timer: NodeJS.Timeout | undefined;
  private listener: Client | undefined;
  private readonly changed = new Set<string>();
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly queued = new Set<'all' | 'changed'>();
  private changedRoundAt = 0;
  private changedTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly evaluate: EvaluateAlertsHandler,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly databaseUrl: string,
    private readonly intervalMs: number,
    private readonly progress: AlerterProgress,
    private readonly logger: Logger,
    private readonly telemetry?: Pick<AlerterTelemetry, 'noticed' | 'round'>,
  ) {}

  async start(): Promise<void> {
    await this.listen();
    this.tick(true);
    this.timer = setInterval(() => this.tick(true), this.intervalMs);
    this.dispatcher.start();
  }

  /** Lets the evaluation in progress and the sends in flight finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.changedTimer);
    await this.running;
    await this.dispatcher.stop();
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

  private changedRoundSoon(): void {
    if (this.changedTimer) return;
    const wait = Math.max(0, this.changedRoundAt + CHANGED_ROUND_EVERY_MS - Date.now());
    this.changedTimer = setTimeout(() => {
      this.changedTimer = undefined;
      this.changedRoundAt = Date.now();
      this.tick(false);
    }, wait);
  }

  private async work(allOrgs: boolean): Promise<void> {
    if (this.stopped) return;
    const started = process.hrtime.bigint();
    let orgs: string[];
    try {
      orgs = allOrgs ? await this.evaluate.orgIds() : [...this.changed];
    } catch (error) {
      this.failed(undefined, error);
      return;
    }
    this.changed.clear();
    let failure: string | undefined;
    for (const orgId of orgs) {
      if (this.stopped) return;
      // one org's failure is its own: the others are still evaluated
      try {
        const outcome = await this.evaluate.evaluate(orgId);
        if (outcome && outcome.raised + outcome.resolved > 0) {
          this.logger.info({ orgId, ...outcome }, 'alerts changed');
          this.dispatcher.wake();
        }
      } catch (error) {
        failure = this.failed(orgId, error);
      }
    }
    if (allOrgs && failure === undefined) this.progress.evaluationSucceeded();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.telemetry?.round(allOrgs ? 'all' : 'changed', failure === undefined, seconds);
  }

  private failed(orgId: string | undefined, error: unknown): string {
    const message = orgId ? `org ${orgId}: ${describeError(error)}` : describeError(error);
    this.progress.evaluationFailed(message);
    this.logger.error(
      { orgId, err: describeError(error) },
      'alert evaluation failed; retrying on the next tick',
    );
    return message;
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      if (!message.payload || this.stopped) return;
      const { orgId, traceparent } = parseProjectionNotice(message.payload);
      this.telemetry?.noticed(orgId, traceparent);
      this.changed.add(orgId);
      this.changedRoundSoon();
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

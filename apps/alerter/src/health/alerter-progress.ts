import type { HealthProblem } from '@orgpulse/platform';
import { Gauge, Registry } from 'prom-client';

export interface DeliveryBacklog {
  /** deliveries due (next attempt time passed), free to send, but not yet attempted */
  due: number;
  oldestDueSeconds: number;
  /** per channel, every delivery not yet delivered, however it waits */
  undelivered: { channel: string; undelivered: number; oldestSeconds: number }[];
  /** live judgements (changed or due rules and subjects) waiting for a round, and the oldest's wait */
  dueJudgements: number;
  oldestDueJudgementSeconds: number;
  /** how long the oldest bulk judgement due (a backfill's old events settled, a sweep's marks) has waited */
  oldestBulkJudgementSeconds: number;
  /** orgs whose sweep (after a rebuild) is still marking rules and subjects for judging */
  sweepingOrgs: number;
}

export const NO_BACKLOG: DeliveryBacklog = {
  due: 0,
  oldestDueSeconds: 0,
  undelivered: [],
  dueJudgements: 0,
  oldestDueJudgementSeconds: 0,
  oldestBulkJudgementSeconds: 0,
  sweepingOrgs: 0,
};

/** Whether evaluation rounds complete and due judgements and deliveries get done, for /health and /metrics. */
export class AlerterProgress {
  readonly registry = new Registry();
  private readonly startedAt: number;
  private lastEvaluationAt: number | undefined;
  private failingSince: number | undefined;
  private lastError: string | undefined;
  private readonly degraded = new Gauge({
    name: 'orgpulse_alerter_degraded',
    help: '1 while /health reports stuck work (503), else 0',
    registers: [this.registry],
  });
  private readonly lastEvaluation = new Gauge({
    name: 'orgpulse_alerter_last_evaluation_timestamp_seconds',
    help: 'Unix time at which an alert evaluation round last completed',
    registers: [this.registry],
  });
  private readonly oldestDue = new Gauge({
    name: 'orgpulse_alerter_oldest_due_delivery_seconds',
    help: 'How long the oldest due alert delivery has waited for its attempt',
    registers: [this.registry],
  });
  private readonly dueDeliveries = new Gauge({
    name: 'orgpulse_alerter_due_deliveries',
    help: 'Alert deliveries due but not yet attempted',
    registers: [this.registry],
  });

  private readonly dueJudgements = new Gauge({
    name: 'orgpulse_alerter_due_judgements',
    help: 'Rules and subjects changed or fallen due (live lane) and not yet judged',
    registers: [this.registry],
  });
  private readonly oldestDueJudgement = new Gauge({
    name: 'orgpulse_alerter_oldest_due_judgement_seconds',
    help: 'How long the oldest live judgement has waited for a round',
    registers: [this.registry],
  });

  private readonly oldestBulkJudgement = new Gauge({
    name: 'orgpulse_alerter_oldest_bulk_judgement_seconds',
    help: 'How long the oldest judgement due in the bulk lane (a backfill settled, a sweep), paced behind live work, has waited; 0 when none is due',
    registers: [this.registry],
  });
  private readonly sweepingOrgs = new Gauge({
    name: 'orgpulse_alerter_sweeping_orgs',
    help: 'Orgs whose sweep after a rebuild is still marking rules and subjects for judging',
    registers: [this.registry],
  });

  private readonly oldestUndelivered = new Gauge({
    name: 'orgpulse_alerter_oldest_undelivered_seconds',
    help: 'Age of the oldest alert delivery not yet delivered (retries included), per channel',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  private readonly undeliveredCount = new Gauge({
    name: 'orgpulse_alerter_undelivered_deliveries',
    help: 'Alert deliveries not yet delivered (waiting, retrying or in flight), per channel',
    labelNames: ['channel'],
    registers: [this.registry],
  });

  constructor(
    private readonly stuckAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  evaluationSucceeded(): void {
    this.lastEvaluationAt = this.now();
    this.lastEvaluation.set(this.lastEvaluationAt / 1000);
    this.failingSince = undefined;
    this.lastError = undefined;
  }

  evaluationFailed(error: string): void {
    this.failingSince ??= this.now();
    this.lastError = error;
  }

  problems(backlog: DeliveryBacklog): HealthProblem[] {
    const now = this.now();
    const problems: HealthProblem[] = [];
    const since = this.lastEvaluationAt ?? this.startedAt;
    if (now - since >= this.stuckAfterMs)
      problems.push({
        problem: 'no alert evaluation round has completed',
        ...(this.lastError ? { detail: this.lastError } : {}),
        since: new Date(this.failingSince ?? since).toISOString(),
      });
    if (backlog.due > 0 && backlog.oldestDueSeconds * 1000 >= this.stuckAfterMs)
      problems.push({
        problem: `${backlog.due} alert deliveries due and not attempted`,
        since: new Date(now - backlog.oldestDueSeconds * 1000).toISOString(),
      });
    if (backlog.dueJudgements > 0 && backlog.oldestDueJudgementSeconds * 1000 >= this.stuckAfterMs)
      problems.push({
        problem: `${backlog.dueJudgements} alert judgements due and not made`,
        since: new Date(now - backlog.oldestDueJudgementSeconds * 1000).toISOString(),
      });
    return problems;
  }

  async metrics(backlog: DeliveryBacklog): Promise<string> {
    this.refreshGauges(backlog);
    return this.registry.metrics();
  }

  /** Gauges read from the latest backlog; run before each scrape. */
  refreshGauges(backlog: DeliveryBacklog): void {
    this.degraded.set(this.problems(backlog).length > 0 ? 1 : 0);
    this.oldestDue.set(backlog.oldestDueSeconds);
    this.dueDeliveries.set(backlog.due);
    this.dueJudgements.set(backlog.dueJudgements);
    this.oldestDueJudgement.set(backlog.oldestDueJudgementSeconds);
    this.oldestBulkJudgement.set(backlog.oldestBulkJudgementSeconds);
    this.sweepingOrgs.set(backlog.sweepingOrgs);
    for (const { channel, undelivered, oldestSeconds } of backlog.undelivered) {
      this.undeliveredCount.set({ channel }, undelivered);
      this.oldestUndelivered.set({ channel }, oldestSeconds);
    }
  }
}

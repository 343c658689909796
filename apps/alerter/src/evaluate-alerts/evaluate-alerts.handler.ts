import {
  type OpenAlert,
  managerHeadReadModel,
  personHeadReadModel,
  planAlertChange,
  teamHeadReadModel,
} from '@orgpulse/domain';
import {
  AlertFactsRepository,
  AlertSweeps,
  AlertWatch,
  AlertsStore,
  type DeliveryLane,
  type JudgedItem,
  OrgSettingsRepository,
  type RaiseRequest,
  type ResolveRequest,
  staleReadModels,
} from '@orgpulse/persistence';
import type { DataSource } from 'typeorm';

export interface EvaluationOptions {
  /** rules and subjects judged per round (one transaction) */
  roundSize: number;
  /** subjects marked per step of a sweep */
  sweepPageSize: number;
}

export interface EvaluationOutcome {
  judged: number;
  raised: number;
  resolved: number;
  /** the round took all it could: more may be due now */
  full: boolean;
}

const HEADS = [teamHeadReadModel, personHeadReadModel, managerHeadReadModel];

/**
 * Judges the rules and subjects that changed or fell due (contract §6 and §12): claims them, reads their
 * heads and the org's thresholds, decides with the pure rules on PostgreSQL's clock (so every instance
 * agrees on thresholds), and writes every raise and resolve with its deliveries in a few set-based
 * statements, all in one transaction. Its cost follows what it judges, not the size of any org.
 */
export class EvaluateAlertsHandler {
  constructor(
    private readonly db: DataSource,
    private readonly options: EvaluationOptions,
  ) {}

  /** False while the heads the rules read are being (re)built: judging them now would be judging nothing. */
  async headsReady(): Promise<boolean> {
    return (await staleReadModels(this.db.manager, HEADS)).length === 0;
  }

  /** Sweeps every org once after the read models were rebuilt; then one page of a waiting sweep. */
  async sweepStep(): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const sweeps = new AlertSweeps(tx);
      await sweeps.afterRebuild();
      return sweeps.step(this.options.sweepPageSize);
    });
  }

  async round(): Promise<EvaluationOutcome> {
    return this.db.transaction(async (tx) => {
      const watch = new AlertWatch(tx);
      const { now, items } = await watch.claim(this.options.roundSize);
      if (items.length === 0) return { judged: 0, raised: 0, resolved: 0, full: false };
      const store = new AlertsStore(tx);
      const facts = await new AlertFactsRepository(tx).read(items);
      const settings = await new OrgSettingsRepository(tx).getMany(items.map((i) => i.orgId));
      const open = new Map<string, OpenAlert>(
        (await store.openFor(items)).map((a) => [`${a.orgId}/${a.rule}/${a.subjectId}`, a]),
      );

      const resolve: ResolveRequest[] = [];
      const raise: RaiseRequest[] = [];
      const judged: JudgedItem[] = [];
      for (const item of items) {
        const key = `${item.orgId}/${item.rule}/${item.subjectId}`;
        const itemFacts = facts.get(key);
        const thresholds = settings.get(item.orgId);
        if (!itemFacts || !thresholds) {
          judged.push({ ...item, dueAt: null }); // a rule this version does not know: nothing to judge
          continue;
        }
        const lane: DeliveryLane = item.bulk ? 'bulk' : 'live';
        const change = planAlertChange(open.get(key) ?? null, itemFacts, thresholds, now);
        if (change.resolve) resolve.push({ alertId: change.resolve.id, lane });
        if (change.raise) raise.push({ orgId: item.orgId, condition: change.raise, lane });
        judged.push({ ...item, dueAt: change.dueAt });
      }
      const at = new Date(now);
      const resolved = await store.resolveAll(resolve, at);
      const raised = await store.raiseAll(raise, at);
      await watch.complete(judged);
      return {
        judged: judged.length,
        raised: raised.length,
        resolved: resolved.length,
        full: items.length >= this.options.roundSize,
      };
    });
  }

  /** How long until something falls due (null: nothing waits), for the scheduler's next wake-up. */
  nextDueInMs(): Promise<number | null> {
    return new AlertWatch(this.db.manager).nextDueInMs();
  }
}

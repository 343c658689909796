import {
  type OpenAlert,
  coachingPlanReadModel,
  managerReadModel,
  personReadModel,
  planAlertChange,
  ratingReadModel,
  teamReadModel,
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
  type WatchClaim,
  staleReadModels,
} from '@orgpulse/persistence';
import type { DataSource } from 'typeorm';

export interface EvaluationOptions {
  /** rules and subjects judged per round (one transaction) */
  roundSize: number;
  /** subjects marked per step of a sweep */
  sweepPageSize: number;
  /**
   * bulk rules and subjects (old events settled, sweeps) judged per round at most: a round shares the
   * machine with the projector, whose live work it would delay
   */
  bulkRoundSize?: number;
}

export interface EvaluationOutcome {
  judged: number;
  raised: number;
  resolved: number;
  /** the round took all it could: more may be due now */
  full: boolean;
  /** of those judged, bulk work (old events settled, sweeps); the rest were live changes and due thresholds */
  bulk: number;
}

/** What one org's judgements in a round changed. */
export interface OrgChanges {
  raised: number;
  resolved: number;
}

/** Follows a round's judgements (tracing, figures), hooked in without the round knowing more of it. */
export interface RoundObserver {
  /** The round claimed judgements of these orgs and is about to write what it decided. */
  judging(orgIds: readonly string[]): JudgingRound;
}

export interface JudgingRound {
  /** the W3C traceparent an org's deliveries continue, null when its judgement is not traced */
  traceParentOf(orgId: string): string | null;
  /** the round committed, with what each of its orgs changed; or it failed (undefined) */
  ended(changes: ReadonlyMap<string, OrgChanges> | undefined): void;
}

// the read models the rules read (their heads): judged only while these are current
const HEADS = [teamReadModel, personReadModel, managerReadModel, coachingPlanReadModel, ratingReadModel];

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
    private readonly observer?: RoundObserver,
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

  /**
   * `bulkShare`: the part of the bulk round size this round takes (less while live work flows). The claim
   * is committed first (a lease), then judged in a transaction of its own: a projector marking one of its
   * rules and subjects meanwhile does not wait for the judgement. A judgement that fails gives the claim back.
   */
  async round(bulkShare = 1): Promise<EvaluationOutcome> {
    const { roundSize, bulkRoundSize = roundSize } = this.options;
    const bulkLimit = Math.max(1, Math.round(Math.min(bulkRoundSize, roundSize) * bulkShare));
    const claim = await this.db.transaction(async (tx) => {
      // safe to lose in a crash of the server (its rules and subjects stay due), and the judgement's
      // commit makes it durable: no flush of its own
      await tx.query('SET LOCAL synchronous_commit = off');
      return new AlertWatch(tx).claim(roundSize, bulkLimit);
    });
    if (claim.items.length === 0) return { judged: 0, bulk: 0, raised: 0, resolved: 0, full: false };
    try {
      const { held, ...outcome } = await this.judge(claim);
      await new AlertWatch(this.db.manager).completeHeld(claim, held);
      const bulk = claim.items.filter((i) => i.bulk).length;
      return { ...outcome, bulk, full: claim.items.length >= roundSize || bulk >= bulkLimit };
    } catch (error) {
      // best effort: should this fail too, the lease's end makes the claim due again
      await new AlertWatch(this.db.manager).release(claim).catch(() => undefined);
      throw error;
    }
  }

  private async judge(
    claim: WatchClaim,
  ): Promise<{ judged: number; raised: number; resolved: number; held: JudgedItem[] }> {
    const { now, items } = claim;
    // set once the round knows its orgs (in the transaction), told how the round ended after it
    const observed: { judging?: JudgingRound } = {};
    const changes = new Map<string, OrgChanges>();
    try {
      const outcome = await this.db.transaction(async (tx) => {
        const orgIds = [...new Set(items.map((i) => i.orgId))];
        const judging = (observed.judging = this.observer?.judging(orgIds));
        const traceParentOf = (orgId: string) => judging?.traceParentOf(orgId) ?? null;
        const store = new AlertsStore(tx);
        const facts = await new AlertFactsRepository(tx).read(items);
        const settings = await new OrgSettingsRepository(tx).getMany(orgIds);
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
          const traceParent = traceParentOf(item.orgId);
          const change = planAlertChange(open.get(key) ?? null, itemFacts, thresholds, now);
          if (change.resolve) resolve.push({ alertId: change.resolve.id, lane, traceParent });
          if (change.raise) raise.push({ orgId: item.orgId, condition: change.raise, lane, traceParent });
          judged.push({ ...item, dueAt: change.dueAt });
        }
        const at = new Date(now);
        const resolved = await store.resolveAll(resolve, at);
        const raised = await store.raiseAll(raise, at);
        // last: its rows stay locked until the commit, and a projector marking one of them waits that long
        const held = await new AlertWatch(tx).complete(claim, judged);
        for (const orgId of orgIds) changes.set(orgId, { raised: 0, resolved: 0 });
        for (const c of raised) (changes.get(c.alert.orgId) as OrgChanges).raised += 1;
        for (const c of resolved) (changes.get(c.alert.orgId) as OrgChanges).resolved += 1;
        return { judged: judged.length, raised: raised.length, resolved: resolved.length, held };
      });
      observed.judging?.ended(changes);
      return outcome;
    } catch (error) {
      observed.judging?.ended(undefined);
      throw error;
    }
  }

  /** How long until something falls due (null: nothing waits), for the scheduler's next wake-up. */
  nextDueInMs(): Promise<number | null> {
    return new AlertWatch(this.db.manager).nextDueInMs();
  }
}

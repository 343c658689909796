import type { AlertChanged, AlertView } from '@orgpulse/contracts';
import { type AlertCondition, decideAlerts } from '@orgpulse/domain';
import { AlertsStore, MetricsReadModelsRepository, OrgSettingsRepository } from '@orgpulse/persistence';
import type { DataSource, EntityManager } from 'typeorm';

const key = (rule: string, subjectId: string) => `${rule}\u0000${subjectId}`;
const change = (type: AlertChanged['type'], alert: AlertView): AlertChanged => ({ type, version: 1, alert });

export interface EvaluationOutcome {
  raised: number;
  resolved: number;
}

/**
 * Decides the org's alerts from its read models and the clock, and writes every change with its
 * deliveries in one transaction. An org is evaluated by one instance at a time (advisory lock),
 * and the unique index on open alerts keeps one open alert per rule and subject whatever happens.
 */
export class EvaluateAlertsHandler {
  constructor(
    private readonly db: DataSource,
    private readonly now: () => number = Date.now,
  ) {}

  async orgIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query('SELECT id FROM organizations');
    return rows.map((r) => r.id);
  }

  async evaluate(orgId: string): Promise<EvaluationOutcome | undefined> {
    return this.db.transaction(async (tx) => {
      const [{ locked }] = await tx.query<{ locked: boolean }[]>(
        `SELECT pg_try_advisory_xact_lock(hashtext('alerts:' || $1)) AS locked`,
        [orgId],
      );
      if (!locked) return undefined; // another instance is on it right now
      const nowMs = this.now();
      const conditions = await this.conditions(tx, orgId, nowMs);
      return this.apply(tx, orgId, conditions, new Date(nowMs));
    });
  }

  private async conditions(tx: EntityManager, orgId: string, now: number): Promise<AlertCondition[]> {
    const readModels = new MetricsReadModelsRepository(tx);
    const [teams, people, oneOnOnes, settings] = await Promise.all([
      readModels.listTeamTimelines(orgId),
      readModels.personTimelines(orgId),
      readModels.allOneOnOnes(orgId),
      new OrgSettingsRepository(tx).get(orgId),
    ]);
    return decideAlerts({ teams, people, oneOnOnes }, settings, now);
  }

  private async apply(
    tx: EntityManager,
    orgId: string,
    conditions: AlertCondition[],
    now: Date,
  ): Promise<EvaluationOutcome> {
    const store = new AlertsStore(tx);
    const open = await store.open(orgId);
    const holding = new Set(conditions.map((c) => key(c.rule, c.subjectId)));
    const alreadyOpen = new Set(open.map((a) => key(a.rule, a.subjectId)));
    const webhooks = await store.webhooks(orgId);
    let raised = 0;
    let resolved = 0;
    for (const condition of conditions) {
      if (alreadyOpen.has(key(condition.rule, condition.subjectId))) continue;
      const alert = await store.raise(orgId, condition, now);
      if (alert) {
        await store.enqueue(change('alert.raised', alert), webhooks);
        raised += 1;
      }
    }
    for (const alert of open) {
      if (holding.has(key(alert.rule, alert.subjectId))) continue;
      const done = await store.resolve(alert.id, now);
      if (done) {
        await store.enqueue(change('alert.resolved', done), webhooks);
        resolved += 1;
      }
    }
    return { raised, resolved };
  }
}

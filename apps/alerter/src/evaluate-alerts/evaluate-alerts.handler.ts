import type { AlertChanged, AlertView } from '@orgpulse/contracts';
import { type AlertState, planAlertChanges } from '@orgpulse/domain';
import { AlertsStore, MetricsReadModelsRepository, OrgSettingsRepository } from '@orgpulse/persistence';
import type { DataSource, EntityManager } from 'typeorm';

const change = (type: AlertChanged['type'], alert: AlertView): AlertChanged => ({ type, version: 1, alert });

export interface EvaluationOutcome {
  raised: number;
  resolved: number;
}

/**
 * Decides the org's alerts from its read models and PostgreSQL's clock (so every instance agrees on
 * thresholds), and writes every change with its deliveries in one transaction. An org is evaluated
 * by one instance at a time (advisory lock), and the unique index on open alerts keeps one open
 * alert per rule and subject whatever happens.
 */
export class EvaluateAlertsHandler {
  constructor(private readonly db: DataSource) {}

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
      return this.apply(tx, orgId);
    });
  }

  private async apply(tx: EntityManager, orgId: string): Promise<EvaluationOutcome> {
    const store = new AlertsStore(tx);
    const readModels = new MetricsReadModelsRepository(tx);
    const [now, teams, people, oneOnOnes, settings, open, webhooks] = await Promise.all([
      store.now(),
      readModels.listTeamTimelines(orgId),
      readModels.personTimelines(orgId),
      readModels.allOneOnOnes(orgId),
      new OrgSettingsRepository(tx).get(orgId),
      store.open(orgId),
      store.webhooks(orgId),
    ]);
    const state: AlertState = { teams, people, oneOnOnes };
    const plan = planAlertChanges(open, state, settings, now);
    const at = new Date(now);
    let raised = 0;
    let resolved = 0;
    for (const alert of plan.resolve) {
      const done = await store.resolve(alert.id, at);
      if (done) {
        await store.enqueue(change('alert.resolved', done), webhooks);
        resolved += 1;
      }
    }
    for (const condition of plan.raise) {
      const alert = await store.raise(orgId, condition, at);
      if (alert) {
        await store.enqueue(change('alert.raised', alert), webhooks);
        raised += 1;
      }
    }
    return { raised, resolved };
  }
}

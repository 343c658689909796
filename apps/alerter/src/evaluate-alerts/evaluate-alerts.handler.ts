import type { AlertChanged, AlertView } from '@orgpulse/contracts';
import {
  type AlertState,
  type ManagerHead,
  type OneOnOneFact,
  type PersonFact,
  type PersonHead,
  type TeamFact,
  type TeamHead,
  emptyPersonHead,
  emptyTeamHead,
  managerReadModel,
  personReadModel,
  personTimelineFrom,
  planAlertChanges,
  teamReadModel,
  teamTimelineFrom,
} from '@orgpulse/domain';
import { AlertsStore, OrgSettingsRepository, ReadModelReader } from '@orgpulse/persistence';
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
    const [now, state, settings, open, webhooks] = await Promise.all([
      store.now(),
      wholeOrg(tx, orgId),
      new OrgSettingsRepository(tx).get(orgId),
      store.open(orgId),
      store.webhooks(orgId),
    ]);
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

/** Every team, person and 1:1 of the org from the beginning (what today's rules judge). */
async function wholeOrg(tx: EntityManager, orgId: string): Promise<AlertState> {
  const teams = new ReadModelReader<TeamHead, TeamFact>(tx, teamReadModel);
  const people = new ReadModelReader<PersonHead, PersonFact>(tx, personReadModel);
  const managers = new ReadModelReader<ManagerHead, OneOnOneFact>(tx, managerReadModel);
  const all = { first: Number.MAX_SAFE_INTEGER };
  const [teamIds, personIds, managerIds] = await Promise.all([
    teams.ids(orgId, all),
    people.ids(orgId, all),
    managers.ids(orgId, all),
  ]);
  const [teamWeeks, personWeeks, managerWeeks] = await Promise.all([
    teams.weeksFrom(orgId, teamIds, 0),
    people.weeksFrom(orgId, personIds, 0),
    managers.weeksFrom(orgId, managerIds, 0),
  ]);
  return {
    teams: [...teamWeeks].map(([id, weeks]) =>
      teamTimelineFrom(
        weeks[0]?.start ?? emptyTeamHead(id),
        weeks[0]?.week ?? 0,
        weeks.flatMap((w) => w.facts),
      ),
    ),
    people: [...personWeeks].map(([id, weeks]) =>
      personTimelineFrom(
        weeks[0]?.start ?? emptyPersonHead(id),
        weeks[0]?.week ?? 0,
        weeks.flatMap((w) => w.facts),
      ),
    ),
    oneOnOnes: new Map(
      [...managerWeeks].map(([id, weeks]) => [
        id,
        weeks.flatMap((w) => w.facts).map((f) => ({ reportId: f.data.reportId, at: f.at })),
      ]),
    ),
  };
}

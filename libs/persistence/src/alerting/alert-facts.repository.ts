import {
  type AlertFacts,
  type PersonHead,
  type PlanHead,
  type TeamHead,
  isTeamAlertRule,
} from '@orgpulse/domain';
import { type Queryable, col, rowShape, selectRows } from '../database/typed-sql';

export interface FactsKey {
  orgId: string;
  rule: string;
  subjectId: string;
}

const TEAM_HEAD_STATE = rowShape('team head state', {
  org_id: col.text(),
  subject_id: col.text(),
  state: col.json(),
});
const PERSON_HEAD_WITH_ONE_ON_ONE = rowShape("person head with their manager's last 1:1", {
  org_id: col.text(),
  subject_id: col.text(),
  person: col.json(),
  held: col.nullable(col.float()),
});
const DIRECT_REPORTS = rowShape('direct reports per manager', {
  org_id: col.text(),
  manager_id: col.text(),
  reports: col.int(),
});
const COACHING_PLAN_RATINGS = rowShape('coaching plan with ratings', {
  org_id: col.text(),
  subject_id: col.text(),
  plan: col.nullable(col.json()),
  rated_at: col.nullable(col.json()),
});

const keyOf = (orgId: string, id: string) => `${orgId}/${id}`;

/**
 * What the rules read for the rules and subjects of a round, from the heads, in four statements
 * whatever their number: team heads; person heads with their manager's last 1:1 with them; direct
 * reports per manager, counted on person_head's (org_id, manager_id) index; plans with when each
 * competency was last rated, over the rating heads of the managers who rated the person (rating_links).
 */
export class AlertFactsRepository {
  constructor(private readonly tx: Queryable) {}

  async read(keys: readonly FactsKey[]): Promise<Map<string, AlertFacts>> {
    const facts = new Map<string, AlertFacts>();
    const factKey = (k: FactsKey) => `${k.orgId}/${k.rule}/${k.subjectId}`;
    const teams = keys.filter((k) => isTeamAlertRule(k.rule));
    const people = keys.filter((k) => k.rule === 'ONE_ON_ONE_OVERDUE');
    const managers = keys.filter((k) => k.rule === 'MANAGER_OVERLOADED');
    const coached = keys.filter((k) => k.rule === 'COACHING_STALLED');

    const teamHeads = await this.teamHeads(teams);
    for (const k of teams)
      if (isTeamAlertRule(k.rule))
        facts.set(factKey(k), {
          rule: k.rule,
          subjectId: k.subjectId,
          team: teamHeads.get(keyOf(k.orgId, k.subjectId)) ?? null,
        });

    const personHeads = await this.personHeads(people);
    for (const k of people) {
      const found = personHeads.get(keyOf(k.orgId, k.subjectId));
      facts.set(factKey(k), {
        rule: 'ONE_ON_ONE_OVERDUE',
        subjectId: k.subjectId,
        person: found?.person ?? null,
        manager:
          found?.person.managerId != null
            ? {
                managerId: found.person.managerId,
                lastOneOnOneWith: found.held === null ? {} : { [k.subjectId]: found.held },
              }
            : null,
      });
    }

    const reports = await this.directReports(managers);
    for (const k of managers)
      facts.set(factKey(k), {
        rule: 'MANAGER_OVERLOADED',
        subjectId: k.subjectId,
        directReports: reports.get(keyOf(k.orgId, k.subjectId)) ?? 0,
      });

    const coaching = await this.coaching(coached);
    for (const k of coached) {
      const found = coaching.get(keyOf(k.orgId, k.subjectId));
      facts.set(factKey(k), {
        rule: 'COACHING_STALLED',
        subjectId: k.subjectId,
        plan: found?.plan ?? null,
        ratedAt: new Map(Object.entries(found?.ratedAt ?? {})),
      });
    }
    return facts;
  }

  private async teamHeads(keys: readonly FactsKey[]): Promise<Map<string, TeamHead>> {
    if (keys.length === 0) return new Map();
    const rows = await selectRows(
      this.tx,
      TEAM_HEAD_STATE,
      // a lookup per key (LIMIT keeps the planner from scanning the table for a hash join)
      `SELECT k.org_id, k.subject_id, t.state
         FROM (SELECT DISTINCT * FROM unnest($1::uuid[], $2::text[])) AS k(org_id, subject_id)
         CROSS JOIN LATERAL (SELECT t.state FROM team_head t
                              WHERE t.org_id = k.org_id AND t.subject_id = k.subject_id LIMIT 1) t`,
      [keys.map((k) => k.orgId), keys.map((k) => k.subjectId)],
    );
    return new Map(rows.map((r) => [keyOf(r.org_id, r.subject_id), r.state as TeamHead]));
  }

  private async personHeads(
    keys: readonly FactsKey[],
  ): Promise<Map<string, { person: PersonHead; held: number | null }>> {
    if (keys.length === 0) return new Map();
    const rows = await selectRows(
      this.tx,
      PERSON_HEAD_WITH_ONE_ON_ONE,
      `SELECT k.org_id, k.subject_id, p.state AS person,
              (SELECT (m.state -> 'lastOneOnOneWith' ->> k.subject_id)::float8 FROM manager_head m
                WHERE m.org_id = k.org_id AND m.subject_id = p.manager_id) AS held
         FROM unnest($1::uuid[], $2::text[]) AS k(org_id, subject_id)
         CROSS JOIN LATERAL (SELECT p.state, p.manager_id FROM person_head p
                              WHERE p.org_id = k.org_id AND p.subject_id = k.subject_id LIMIT 1) p`,
      [keys.map((k) => k.orgId), keys.map((k) => k.subjectId)],
    );
    return new Map(
      rows.map((r) => [keyOf(r.org_id, r.subject_id), { person: r.person as PersonHead, held: r.held }]),
    );
  }

  private async directReports(keys: readonly FactsKey[]): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    const rows = await selectRows(
      this.tx,
      DIRECT_REPORTS,
      `SELECT k.org_id, k.manager_id,
              (SELECT count(*) FROM person_head p WHERE p.org_id = k.org_id AND p.manager_id = k.manager_id)::int
                AS reports
         FROM unnest($1::uuid[], $2::text[]) AS k(org_id, manager_id)`,
      [keys.map((k) => k.orgId), keys.map((k) => k.subjectId)],
    );
    return new Map(rows.map((r) => [keyOf(r.org_id, r.manager_id), r.reports]));
  }

  private async coaching(
    keys: readonly FactsKey[],
  ): Promise<Map<string, { plan: PlanHead['plan']; ratedAt: Record<string, number> | null }>> {
    if (keys.length === 0) return new Map();
    const rows = await selectRows(
      this.tx,
      COACHING_PLAN_RATINGS,
      // the latest time per competency over every manager linked to the person (their rating heads)
      `SELECT k.org_id, k.subject_id, p.plan, r.rated_at
         FROM (SELECT DISTINCT * FROM unnest($1::uuid[], $2::text[])) AS k(org_id, subject_id)
         CROSS JOIN LATERAL (SELECT c.state -> 'plan' AS plan FROM coaching_plan_head c
                              WHERE c.org_id = k.org_id AND c.subject_id = k.subject_id LIMIT 1) p
         CROSS JOIN LATERAL (
           SELECT jsonb_object_agg(c.competency, c.at) AS rated_at
             FROM (SELECT l.key AS competency, max((l.value ->> 'at')::float8) AS at
                     FROM rating_links rl
                     JOIN rating_head h ON h.org_id = rl.org_id AND h.subject_id = rl.subject_id
                    CROSS JOIN LATERAL jsonb_each(h.state -> 'latest' -> k.subject_id) l
                    WHERE rl.org_id = k.org_id AND rl.link_id = k.subject_id
                    GROUP BY l.key) c) r`,
      [keys.map((k) => k.orgId), keys.map((k) => k.subjectId)],
    );
    return new Map(
      rows.map((r) => [
        keyOf(r.org_id, r.subject_id),
        { plan: r.plan as PlanHead['plan'], ratedAt: r.rated_at as Record<string, number> | null },
      ]),
    );
  }
}

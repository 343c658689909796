import type { EntityManager } from 'typeorm';

/** How many of each thing an org holds now: what the API's query cost is computed from (contract §12). */
export interface OrgSizes {
  teams: number;
  /** Registered groups plus the groups teams belong to now: at least as many as `groups` lists, mostly. */
  groups: number;
  people: number;
  /** People plus managers with 1:1s: at least as many as `managers` can list. */
  managers: number;
  alerts: number;
  openAlerts: number;
  /** Teams whose group now is each of the groups asked for (absent: none). */
  teamsByGroup: Record<string, number>;
}

/**
 * The org's sizes in one statement. Every count the API's cost model uses is read here, so that a
 * new storage of the read models has one place to re-point.
 */
export class OrgSizesRepository {
  constructor(private readonly db: Pick<EntityManager, 'query'>) {}

  async sizes(orgId: string, groupIds: readonly string[] = []): Promise<OrgSizes> {
    const rows: (Omit<OrgSizes, 'teamsByGroup'> & { teams_by_group: Record<string, number> })[] =
      await this.db.query(
        `SELECT (SELECT count(*) FROM team_head WHERE org_id = $1)::int AS teams,
                (SELECT count(*) FROM group_head WHERE org_id = $1)::int
                  + (SELECT count(DISTINCT group_id) FROM team_head WHERE org_id = $1)::int AS groups,
                p.people, p.people + (SELECT count(*) FROM manager_head WHERE org_id = $1)::int AS managers,
                a.alerts, a.open_alerts AS "openAlerts",
                (SELECT coalesce(json_object_agg(group_id, n), '{}'::json) FROM (
                   SELECT group_id, count(*)::int AS n FROM team_head
                    WHERE org_id = $1 AND group_id = ANY($2::text[]) GROUP BY group_id
                 ) t) AS teams_by_group
           FROM (SELECT count(*)::int AS people FROM person_head WHERE org_id = $1) p,
                (SELECT count(*)::int AS alerts, (count(*) FILTER (WHERE status = 'OPEN'))::int AS open_alerts
                   FROM alerts WHERE org_id = $1) a`,
        [orgId, groupIds],
      );
    const { teams_by_group: teamsByGroup, ...counts } = rows[0];
    return { ...counts, teamsByGroup };
  }
}

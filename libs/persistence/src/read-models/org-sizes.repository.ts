import { type Queryable, col, rowShape, selectOne, selectRows } from '../database/typed-sql';

/** How many of each thing an org holds now: what the API's query cost is computed from (contract §12). */
export interface OrgSizes {
  teams: number;
  /** Registered groups plus the groups teams belong to now: at least as many as `groups` lists, mostly. */
  groups: number;
  people: number;
  /**
   * The people's reporting lines (each person and manager they ever named) plus managers with 1:1s: at
   * least as many as `managers` can list, also where people named many managers over time.
   */
  managers: number;
  alerts: number;
  openAlerts: number;
  /** Teams whose group now is each of the groups asked for (absent: none). */
  teamsByGroup: Record<string, number>;
}

const TEAM_COUNTS = rowShape('org team counts', { teams: col.int(), groups: col.int() });
const PEOPLE_COUNTS = rowShape('org people and alert counts', {
  people: col.int(),
  managers: col.int(),
  alerts: col.int(),
  openAlerts: col.int(),
});
const GROUP_TEAMS = rowShape('teams per group', { groupId: col.text(), n: col.int() });

export type OrgTeamCounts = Pick<OrgSizes, 'teams' | 'groups'>;
export type OrgPeopleCounts = Pick<OrgSizes, 'people' | 'managers' | 'alerts' | 'openAlerts'>;

/**
 * The org's sizes: every count the API's cost model uses is read here, so that a new storage of the read
 * models has one place to re-point. Teams and groups (what aggregates and pairs of teams are costed by)
 * are one read; people, managers and alerts (which only ever shorten a page) another, the costliest on a
 * large org; the asked groups' team counts a third: so that a cache can keep each as long as it should.
 */
export class OrgSizesRepository {
  constructor(private readonly db: Queryable) {}

  async sizes(orgId: string, groupIds: readonly string[] = []): Promise<OrgSizes> {
    const [teams, people, teamsByGroup] = await Promise.all([
      this.teamCounts(orgId),
      this.peopleCounts(orgId),
      this.teamsByGroup(orgId, groupIds),
    ]);
    return { ...teams, ...people, teamsByGroup };
  }

  async teamCounts(orgId: string): Promise<OrgTeamCounts> {
    return selectOne(
      this.db,
      TEAM_COUNTS,
      `SELECT (SELECT count(*) FROM team_head WHERE org_id = $1)::int AS teams,
              (SELECT count(*) FROM group_head WHERE org_id = $1)::int
                + (SELECT count(DISTINCT group_id) FROM team_head WHERE org_id = $1)::int AS groups`,
      [orgId],
    );
  }

  async peopleCounts(orgId: string): Promise<OrgPeopleCounts> {
    return selectOne(
      this.db,
      PEOPLE_COUNTS,
      `SELECT p.people,
              (SELECT count(*) FROM person_links WHERE org_id = $1)::int
                + (SELECT count(*) FROM manager_head WHERE org_id = $1)::int AS managers,
              a.alerts, a.open_alerts AS "openAlerts"
         FROM (SELECT count(*)::int AS people FROM person_head WHERE org_id = $1) p,
              (SELECT count(*)::int AS alerts, (count(*) FILTER (WHERE status = 'OPEN'))::int AS open_alerts
                 FROM alerts WHERE org_id = $1) a`,
      [orgId],
    );
  }

  /** Teams whose group now is each of these groups (absent: none), by the head's group index. */
  async teamsByGroup(orgId: string, groupIds: readonly string[]): Promise<Record<string, number>> {
    if (groupIds.length === 0) return {};
    const rows = await selectRows(
      this.db,
      GROUP_TEAMS,
      `SELECT group_id AS "groupId", count(*)::int AS n FROM team_head
        WHERE org_id = $1 AND group_id = ANY($2::text[]) GROUP BY group_id`,
      [orgId, groupIds],
    );
    return Object.fromEntries(rows.map((r) => [r.groupId, r.n]));
  }
}

import type { GroupTimeline, OneOnOne, PersonTimeline, TeamTimeline } from '@orgpulse/domain';
import type { EntityManager } from 'typeorm';

type Queryable = Pick<EntityManager, 'query'>;

export interface PersonPageOptions {
  role?: string;
  first?: number;
  after?: string;
}

export interface TeamPageOptions {
  groupId?: string;
  first?: number;
  after?: string;
}

/** Reads of the metric read models: each call is one SQL statement, whatever the number of ids. */
export class MetricsReadModelsRepository {
  constructor(private readonly db: Queryable) {}

  async teamTimelines(orgId: string, teamIds: readonly string[]): Promise<TeamTimeline[]> {
    const rows: { timeline: TeamTimeline }[] = await this.db.query(
      'SELECT state AS timeline FROM team_timeline WHERE org_id = $1 AND subject_id = ANY($2::text[])',
      [orgId, teamIds],
    );
    return rows.map((r) => r.timeline);
  }

  /** Teams in id order, optionally of one group, paged by id. */
  async listTeamTimelines(
    orgId: string,
    { groupId, first, after }: TeamPageOptions = {},
  ): Promise<TeamTimeline[]> {
    const rows: { timeline: TeamTimeline }[] = await this.db.query(
      `SELECT state AS timeline FROM team_timeline
        WHERE org_id = $1 AND ($2::text IS NULL OR group_id = $2) AND ($3::text IS NULL OR subject_id > $3)
        ORDER BY subject_id LIMIT $4`,
      [orgId, groupId ?? null, after ?? null, first ?? null],
    );
    return rows.map((r) => r.timeline);
  }

  async groupTimelines(orgId: string): Promise<GroupTimeline[]> {
    const rows: { timeline: GroupTimeline }[] = await this.db.query(
      'SELECT state AS timeline FROM group_timeline WHERE org_id = $1 ORDER BY subject_id',
      [orgId],
    );
    return rows.map((r) => r.timeline);
  }

  async personTimelines(orgId: string): Promise<PersonTimeline[]> {
    const rows: { timeline: PersonTimeline }[] = await this.db.query(
      'SELECT state AS timeline FROM person_timeline WHERE org_id = $1 ORDER BY subject_id',
      [orgId],
    );
    return rows.map((r) => r.timeline);
  }

  async personTimelinesById(orgId: string, personIds: readonly string[]): Promise<PersonTimeline[]> {
    const rows: { timeline: PersonTimeline }[] = await this.db.query(
      'SELECT state AS timeline FROM person_timeline WHERE org_id = $1 AND subject_id = ANY($2::text[])',
      [orgId, personIds],
    );
    return rows.map((r) => r.timeline);
  }

  /** People in id order, optionally of one role (as last registered), paged by id. */
  async listPersonTimelines(
    orgId: string,
    { role, first, after }: PersonPageOptions = {},
  ): Promise<PersonTimeline[]> {
    const rows: { timeline: PersonTimeline }[] = await this.db.query(
      `SELECT state AS timeline FROM person_timeline
        WHERE org_id = $1 AND ($2::text IS NULL OR state->>'role' = $2) AND ($3::text IS NULL OR subject_id > $3)
        ORDER BY subject_id LIMIT $4`,
      [orgId, role ?? null, after ?? null, first ?? null],
    );
    return rows.map((r) => r.timeline);
  }

  async oneOnOnes(orgId: string, managerIds: readonly string[]): Promise<Map<string, OneOnOne[]>> {
    const rows: { manager_id: string; one_on_ones: OneOnOne[] }[] = await this.db.query(
      'SELECT subject_id AS manager_id, state AS one_on_ones FROM manager_one_on_ones WHERE org_id = $1 AND subject_id = ANY($2::text[])',
      [orgId, managerIds],
    );
    return new Map(rows.map((r) => [r.manager_id, r.one_on_ones]));
  }

  async managersWithOneOnOnes(orgId: string): Promise<string[]> {
    const rows: { manager_id: string }[] = await this.db.query(
      'SELECT subject_id AS manager_id FROM manager_one_on_ones WHERE org_id = $1',
      [orgId],
    );
    return rows.map((r) => r.manager_id);
  }

  async allOneOnOnes(orgId: string): Promise<Map<string, OneOnOne[]>> {
    const rows: { manager_id: string; one_on_ones: OneOnOne[] }[] = await this.db.query(
      'SELECT subject_id AS manager_id, state AS one_on_ones FROM manager_one_on_ones WHERE org_id = $1',
      [orgId],
    );
    return new Map(rows.map((r) => [r.manager_id, r.one_on_ones]));
  }
}

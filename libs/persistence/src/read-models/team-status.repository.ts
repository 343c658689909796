import type { TeamState } from '@orgpulse/domain';
import type { EntityManager } from 'typeorm';

export interface TeamStatusRow {
  teamId: string;
  name: string | null;
  headcount: number;
  blocked: boolean;
  blockedSince: Date | null;
}

/** The current state of each team, as the GraphQL `team` and `teams` fields read it. */
export class TeamStatusRepository {
  /** `table` is team_status, or the table a rebuild fills beside it. */
  constructor(private readonly table = 'team_status') {}

  async upsert(db: EntityManager, orgId: string, teams: readonly TeamState[]): Promise<void> {
    if (teams.length === 0) return;
    await db.query(
      `INSERT INTO ${this.table}
         (org_id, team_id, name, headcount, group_id, registered, archived, blocked, blocked_since, block_reason, updated_at)
       SELECT $1::uuid, * , now() FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::bool[], $7::bool[],
                                             $8::bool[], $9::timestamptz[], $10::text[])
       ON CONFLICT (org_id, team_id) DO UPDATE SET
         name = EXCLUDED.name, headcount = EXCLUDED.headcount, group_id = EXCLUDED.group_id,
         registered = EXCLUDED.registered, archived = EXCLUDED.archived, blocked = EXCLUDED.blocked,
         blocked_since = EXCLUDED.blocked_since, block_reason = EXCLUDED.block_reason, updated_at = now()`,
      [
        orgId,
        teams.map((t) => t.teamId),
        teams.map((t) => t.name),
        teams.map((t) => t.headcount),
        teams.map((t) => t.groupId),
        teams.map((t) => t.registered),
        teams.map((t) => t.archived),
        teams.map((t) => t.blocked),
        teams.map((t) => t.blockedSince),
        teams.map((t) => t.blockReason),
      ],
    );
  }

  /** The stored states of the given teams, to fold later events into. */
  async load(db: EntityManager, orgId: string, teamIds: readonly string[]): Promise<Map<string, TeamState>> {
    if (teamIds.length === 0) return new Map();
    const rows: (Omit<TeamState, 'blockedSince'> & { blockedSince: Date | null })[] = await db.query(
      `SELECT team_id AS "teamId", name, headcount, group_id AS "groupId", registered, archived, blocked,
              blocked_since AS "blockedSince", block_reason AS "blockReason"
         FROM ${this.table} WHERE org_id = $1 AND team_id = ANY($2::text[])`,
      [orgId, teamIds],
    );
    return new Map(
      rows.map((r) => [r.teamId, { ...r, blockedSince: r.blockedSince?.toISOString() ?? null }]),
    );
  }

  async find(db: EntityManager, orgId: string, teamIds: readonly string[]): Promise<TeamStatusRow[]> {
    return db.query(
      `SELECT team_id AS "teamId", name, headcount, blocked, blocked_since AS "blockedSince"
         FROM team_status WHERE org_id = $1 AND team_id = ANY($2::text[])`,
      [orgId, teamIds],
    );
  }

  async list(db: EntityManager, orgId: string): Promise<TeamStatusRow[]> {
    return db.query(
      `SELECT team_id AS "teamId", name, headcount, blocked, blocked_since AS "blockedSince"
         FROM team_status WHERE org_id = $1 ORDER BY team_id`,
      [orgId],
    );
  }
}

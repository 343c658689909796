import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Team weeks with time blocked are flagged, so a group's roll-up reads the blocked time of its teams from
 * those weeks alone instead of folding every member's weeks (issue 20, contract §8 and §12). The team read
 * model's declared version moved to 3 with this: the projector rebuilds before it consumes, which sets the flag.
 */
export class BlockedTeamWeeks1765300000000 implements MigrationInterface {
  name = 'BlockedTeamWeeks1765300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE team_weeks ADD COLUMN blocked boolean NOT NULL DEFAULT false`);
    await db.query(
      `CREATE INDEX team_weeks_blocked ON team_weeks (org_id, subject_id, week_ms) WHERE blocked`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE team_weeks DROP COLUMN blocked`);
    // the weeks folded before no longer match the version 3 declaration: rebuilt on the next start
    await db.query(`DELETE FROM read_model_versions WHERE name = 'team'`);
  }
}

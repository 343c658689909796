import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The org's per-day totals also keep the number of registered teams and of those blocked (their changes),
 * so the org's counts at a past midnight are two sums over days instead of a fold of every team with a
 * later event (issue 20, contract §12). The team read model's declared version moved to 2 with this: the
 * projector rebuilds the read models from the event store before it consumes, which fills the columns.
 */
export class RegisteredTeamTotals1765100000000 implements MigrationInterface {
  name = 'RegisteredTeamTotals1765100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE team_day_totals
        ADD COLUMN registered_teams_change numeric NOT NULL DEFAULT 0,
        ADD COLUMN registered_blocked_change numeric NOT NULL DEFAULT 0`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE team_day_totals DROP COLUMN registered_teams_change, DROP COLUMN registered_blocked_change`);
    // the totals folded before no longer match the version 2 declaration: rebuilt on the next start
    await db.query(`DELETE FROM read_model_versions WHERE name = 'team'`);
  }
}

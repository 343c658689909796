import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A round's claim is a lease written and committed before it judges (issue 20, E2): the projector marking
 * a rule and subject being judged no longer waits for that judgement's transaction. A lease that ends
 * unreleased (an alerter gone mid-round) makes its rule and subject due again.
 */
export class AlertWatchClaims1765800000000 implements MigrationInterface {
  name = 'AlertWatchClaims1765800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alert_watch ADD COLUMN claimed_until timestamptz`);
    await this.liveAt(db, `LEAST(due_at, CASE WHEN NOT change_bulk THEN change_at END, claimed_until)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await this.liveAt(db, `LEAST(due_at, CASE WHEN NOT change_bulk THEN change_at END)`);
    await db.query(`ALTER TABLE alert_watch DROP COLUMN claimed_until`);
  }

  private async liveAt(db: QueryRunner, expression: string): Promise<void> {
    await db.query(`DROP INDEX alert_watch_live`);
    await db.query(`ALTER TABLE alert_watch DROP COLUMN live_at`);
    await db.query(
      `ALTER TABLE alert_watch ADD COLUMN live_at timestamptz GENERATED ALWAYS AS (${expression}) STORED`,
    );
    await db.query(`CREATE INDEX alert_watch_live ON alert_watch (live_at) WHERE live_at IS NOT NULL`);
  }
}

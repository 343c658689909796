import type { MigrationInterface, QueryRunner } from 'typeorm';

const CHANGE_LIVE = `CASE WHEN NOT change_bulk THEN change_at END`;
const CHANGE_BULK = `CASE WHEN change_bulk THEN change_at END`;

/**
 * A round's claim is a lease written and committed before it judges (issue 20, E2): the projector marking
 * a rule and subject being judged no longer waits for that judgement's transaction. A lease that ends
 * unreleased (an alerter gone mid-round) makes its rule and subject due again, in the lane it was claimed in.
 */
export class AlertWatchClaims1765800000000 implements MigrationInterface {
  name = 'AlertWatchClaims1765800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE alert_watch ADD COLUMN claimed_until timestamptz, ADD COLUMN claimed_bulk boolean NOT NULL DEFAULT false`,
    );
    await this.dueColumns(
      db,
      `LEAST(due_at, ${CHANGE_LIVE}, CASE WHEN NOT claimed_bulk THEN claimed_until END)`,
      `LEAST(${CHANGE_BULK}, CASE WHEN claimed_bulk THEN claimed_until END)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    // what is claimed now is given back, due at once: without its lease it would never be judged again
    await db.query(
      `UPDATE alert_watch
          SET change_bulk = CASE WHEN change_at IS NULL THEN claimed_bulk ELSE change_bulk END,
              change_first_at = coalesce(change_first_at, now()), change_at = coalesce(change_at, now())
        WHERE claimed_until IS NOT NULL`,
    );
    await this.dueColumns(db, `LEAST(due_at, ${CHANGE_LIVE})`, CHANGE_BULK);
    await db.query(`ALTER TABLE alert_watch DROP COLUMN claimed_until, DROP COLUMN claimed_bulk`);
  }

  private async dueColumns(db: QueryRunner, liveAt: string, bulkAt: string): Promise<void> {
    await db.query(`DROP INDEX alert_watch_live, alert_watch_bulk`);
    await db.query(`ALTER TABLE alert_watch DROP COLUMN live_at, DROP COLUMN bulk_at`);
    await db.query(
      `ALTER TABLE alert_watch ADD COLUMN live_at timestamptz GENERATED ALWAYS AS (${liveAt}) STORED,
                               ADD COLUMN bulk_at timestamptz GENERATED ALWAYS AS (${bulkAt}) STORED`,
    );
    await db.query(`CREATE INDEX alert_watch_live ON alert_watch (live_at) WHERE live_at IS NOT NULL`);
    await db.query(`CREATE INDEX alert_watch_bulk ON alert_watch (bulk_at) WHERE bulk_at IS NOT NULL`);
  }
}

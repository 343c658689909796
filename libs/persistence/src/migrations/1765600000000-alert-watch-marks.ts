import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `alert_watch.last_occurred_at` was written by every mark and read by nothing: without it a mark that
 * changes nothing (a live change already pending) writes no row version (issue 20).
 */
export class AlertWatchMarks1765600000000 implements MigrationInterface {
  name = 'AlertWatchMarks1765600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alert_watch DROP COLUMN last_occurred_at`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alert_watch ADD COLUMN last_occurred_at timestamptz`);
  }
}

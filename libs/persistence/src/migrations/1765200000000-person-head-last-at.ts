import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People whose latest fact is after t, by index: a manager's reports at t read only the people changed
 * since t (few for a recent t) instead of everyone who ever reported to them (issue 20, contract §12).
 */
export class PersonHeadLastAt1765200000000 implements MigrationInterface {
  name = 'PersonHeadLastAt1765200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX IF NOT EXISTS person_head_last_at ON person_head (org_id, last_at_ms)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS person_head_last_at`);
  }
}

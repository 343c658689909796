import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Heads (contract §12): each subject as of its latest event in a fixed size, so alert rules and "now"
 * fields read what they need without a subject's whole history.
 */
export class ReadModelHeads1764700000000 implements MigrationInterface {
  name = 'ReadModelHeads1764700000000';

  async up(db: QueryRunner): Promise<void> {
    for (const [table, extra] of [
      ['team_head', 'group_id text,'],
      ['person_head', 'manager_id text,'],
      ['manager_head', ''],
    ]) {
      await db.query(`
        CREATE TABLE ${table} (
          org_id uuid NOT NULL,
          subject_id text NOT NULL,
          state jsonb NOT NULL,
          ${extra}
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (org_id, subject_id)
        )`);
    }
    await db.query(`CREATE INDEX team_head_group ON team_head (org_id, group_id)`);
    await db.query(`CREATE INDEX person_head_manager ON person_head (org_id, manager_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE manager_head, person_head, team_head`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The coaching loop (contract §14): each person's plan over time (`coaching_plan`, subject the person),
 * each manager's 1:1s with the levels seen (`rating`, subject the manager, linked to the people rated),
 * and the COACHING_STALLED threshold. The projector fills the new tables from the event store (their
 * declared versions are not yet recorded).
 */
export class CoachingLoop1765000000000 implements MigrationInterface {
  name = 'CoachingLoop1765000000000';

  async up(db: QueryRunner): Promise<void> {
    for (const [model, extra] of [
      ['coaching_plan', 'plan_set_at text,'],
      ['rating', ''],
    ]) {
      await db.query(`
        CREATE TABLE ${model}_head (
          org_id uuid NOT NULL,
          subject_id text NOT NULL,
          state jsonb NOT NULL,
          last_at_ms bigint NOT NULL,
          last_position bigint NOT NULL,
          version bigint NOT NULL,
          ${extra}
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (org_id, subject_id)
        )`);
      await db.query(`
        CREATE TABLE ${model}_weeks (
          org_id uuid NOT NULL,
          subject_id text NOT NULL,
          week_ms bigint NOT NULL,
          start_state jsonb NOT NULL,
          facts jsonb NOT NULL,
          covers_until_ms bigint,
          version bigint NOT NULL,
          PRIMARY KEY (org_id, subject_id, week_ms)
        )`);
    }
    await db.query(`
      CREATE TABLE rating_links (
        org_id uuid NOT NULL,
        link_id text NOT NULL,
        subject_id text NOT NULL,
        PRIMARY KEY (org_id, link_id, subject_id)
      )`);
    await db.query(`
      ALTER TABLE org_settings ADD COLUMN coaching_stall_days integer NOT NULL DEFAULT 28
        CHECK (coaching_stall_days BETWEEN 1 AND 365)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE org_settings DROP COLUMN coaching_stall_days`);
    await db.query(
      `DROP TABLE rating_links, rating_weeks, rating_head, coaching_plan_weeks, coaching_plan_head`,
    );
    await db.query(`DELETE FROM read_model_versions WHERE name IN ('coaching_plan', 'rating')`);
  }
}

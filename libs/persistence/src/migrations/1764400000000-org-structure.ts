import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Org structure (contract §8): the group_timeline read model, the cost-of-idleness settings, tokens
 * scoped to a group's subtree, and the versions of the read models' state shapes, so a changed fold is
 * rebuilt from the event store before the projector goes on.
 */
export class OrgStructure1764400000000 implements MigrationInterface {
  name = 'OrgStructure1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE group_timeline (
        org_id uuid NOT NULL,
        subject_id text NOT NULL,
        state jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, subject_id)
      )`);
    await db.query(`
      ALTER TABLE org_settings
        ADD COLUMN idle_cost_per_person_day numeric CHECK (idle_cost_per_person_day >= 0 AND idle_cost_per_person_day <= 1000000),
        ADD COLUMN currency text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$')`);
    await db.query(`ALTER TABLE api_tokens ADD COLUMN group_id text`);
    await db.query(`
      ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_group_viewer CHECK (group_id IS NULL OR role = 'viewer')`);
    // No row: the tables were filled by folds older than any declared version, so they are rebuilt.
    await db.query(`
      CREATE TABLE read_model_versions (
        name text PRIMARY KEY,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE read_model_versions`);
    await db.query(`ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_group_viewer`);
    await db.query(`ALTER TABLE api_tokens DROP COLUMN group_id`);
    await db.query(`ALTER TABLE org_settings DROP COLUMN idle_cost_per_person_day, DROP COLUMN currency`);
    await db.query(`DROP TABLE group_timeline`);
  }
}

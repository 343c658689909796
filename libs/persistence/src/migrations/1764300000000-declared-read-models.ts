import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every declared read model lives in the same shape (org_id, subject_id, state, its own columns), so one
 * store serves them all. team_status was folded and written on every team event and read by nothing.
 */
export class DeclaredReadModels1764300000000 implements MigrationInterface {
  name = 'DeclaredReadModels1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS team_status`);
    for (const [table, id, state] of [
      ['team_timeline', 'team_id', 'timeline'],
      ['person_timeline', 'person_id', 'timeline'],
      ['manager_one_on_ones', 'manager_id', 'one_on_ones'],
    ]) {
      await db.query(`ALTER TABLE ${table} RENAME COLUMN ${id} TO subject_id`);
      await db.query(`ALTER TABLE ${table} RENAME COLUMN ${state} TO state`);
    }
    // A rebuild's swap bumps it: the projector forgets the states it remembers of the old tables.
    await db.query(
      `CREATE TABLE projection_generation (id boolean PRIMARY KEY DEFAULT true CHECK (id), generation bigint NOT NULL)`,
    );
    await db.query(`INSERT INTO projection_generation (generation) VALUES (0)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE projection_generation`);
    for (const [table, id, state] of [
      ['team_timeline', 'team_id', 'timeline'],
      ['person_timeline', 'person_id', 'timeline'],
      ['manager_one_on_ones', 'manager_id', 'one_on_ones'],
    ]) {
      await db.query(`ALTER TABLE ${table} RENAME COLUMN subject_id TO ${id}`);
      await db.query(`ALTER TABLE ${table} RENAME COLUMN state TO ${state}`);
    }
    await db.query(`
      CREATE TABLE team_status (
        org_id uuid NOT NULL, team_id text NOT NULL, name text, headcount integer NOT NULL DEFAULT 0,
        group_id text, registered boolean NOT NULL DEFAULT false, archived boolean NOT NULL DEFAULT false,
        blocked boolean NOT NULL DEFAULT false, blocked_since timestamptz, block_reason text,
        updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (org_id, team_id)
      )`);
  }
}

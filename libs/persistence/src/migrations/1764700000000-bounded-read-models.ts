import type { MigrationInterface, QueryRunner } from 'typeorm';

const HEAD_COLUMNS: Record<string, string> = {
  team: 'group_id text, registered text, blocked_since text,',
  person: 'manager_id text, role text,',
  manager: '',
  group: 'parent_id text,',
};
const LINKED = ['team', 'person', 'group'];
const TEAM_TOTALS = [
  'blocked_teams_change',
  'blocked_teams_change_ms',
  'blocked_people_change',
  'blocked_people_change_ms',
  'interviews',
  'trio_interviews',
  'ships',
];

/**
 * Read models whose write cost does not grow with history (contract §12): per subject a fixed-size head,
 * its facts in weekly buckets (each with the head it starts from), the other subjects it ever named, and
 * per org the team figures summed per day. Replaces the whole-history timelines; the projector rebuilds
 * them from the event store (their declared versions are new).
 */
export class BoundedReadModels1764700000000 implements MigrationInterface {
  name = 'BoundedReadModels1764700000000';

  async up(db: QueryRunner): Promise<void> {
    for (const table of ['team_timeline', 'person_timeline', 'manager_one_on_ones', 'group_timeline'])
      await db.query(`DROP TABLE ${table}`);
    await db.query(`DELETE FROM read_model_versions`);
    // nothing reads events by type any more: one index less to keep up on every append
    await db.query(`DROP INDEX IF EXISTS event_store_type`);
    for (const [model, extra] of Object.entries(HEAD_COLUMNS)) {
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
    for (const model of LINKED)
      await db.query(`
        CREATE TABLE ${model}_links (
          org_id uuid NOT NULL,
          link_id text NOT NULL,
          subject_id text NOT NULL,
          PRIMARY KEY (org_id, link_id, subject_id)
        )`);
    await db.query(`
      CREATE TABLE team_day_totals (
        org_id uuid NOT NULL,
        day_ms bigint NOT NULL,
        ${TEAM_TOTALS.map((c) => `${c} numeric NOT NULL DEFAULT 0`).join(', ')},
        PRIMARY KEY (org_id, day_ms)
      )`);
    // who blocks whom over a window: the weeks with a blocking team whose coverage reaches the window
    await db.query(`ALTER TABLE team_weeks ADD COLUMN blocked_by boolean NOT NULL DEFAULT false`);
    await db.query(`
      CREATE INDEX team_weeks_blocked_by ON team_weeks (org_id, (coalesce(covers_until_ms, 9007199254740991)))
       WHERE blocked_by`);
    await db.query(`CREATE INDEX team_head_group ON team_head (org_id, group_id)`);
    await db.query(`CREATE INDEX team_head_blocked ON team_head (org_id) WHERE blocked_since IS NOT NULL`);
    await db.query(`CREATE INDEX team_head_last_at ON team_head (org_id, last_at_ms)`);
    await db.query(`CREATE INDEX person_head_manager ON person_head (org_id, manager_id)`);
    await db.query(`CREATE INDEX person_head_role ON person_head (org_id, role, subject_id)`);
    await db.query(`CREATE INDEX group_head_parent ON group_head (org_id, parent_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX event_store_type ON event_store (org_id, type, occurred_at)`);
    await db.query(`DROP TABLE team_day_totals`);
    for (const model of LINKED) await db.query(`DROP TABLE ${model}_links`);
    for (const model of Object.keys(HEAD_COLUMNS)) await db.query(`DROP TABLE ${model}_weeks, ${model}_head`);
    for (const table of ['team_timeline', 'person_timeline', 'manager_one_on_ones', 'group_timeline'])
      await db.query(`
        CREATE TABLE ${table} (
          org_id uuid NOT NULL,
          subject_id text NOT NULL,
          state jsonb NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (org_id, subject_id)
        )`);
    await db.query(`ALTER TABLE team_timeline ADD COLUMN group_id text`);
    await db.query(`DELETE FROM read_model_versions`);
  }
}

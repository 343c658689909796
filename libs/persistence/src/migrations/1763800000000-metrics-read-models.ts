import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MetricsReadModels1763800000000 implements MigrationInterface {
  name = 'MetricsReadModels1763800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE team_timeline (
        org_id uuid NOT NULL,
        team_id text NOT NULL,
        group_id text,
        timeline jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, team_id)
      )`);
    await db.query(`CREATE INDEX team_timeline_group ON team_timeline (org_id, group_id)`);
    await db.query(`
      CREATE TABLE person_timeline (
        org_id uuid NOT NULL,
        person_id text NOT NULL,
        timeline jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, person_id)
      )`);
    await db.query(`
      CREATE TABLE manager_one_on_ones (
        org_id uuid NOT NULL,
        manager_id text NOT NULL,
        one_on_ones jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, manager_id)
      )`);
    await db.query(`
      CREATE TABLE org_settings (
        org_id uuid PRIMARY KEY REFERENCES organizations (id),
        discovery_target integer NOT NULL DEFAULT 1 CHECK (discovery_target BETWEEN 1 AND 100),
        one_on_one_interval_days integer NOT NULL DEFAULT 14 CHECK (one_on_one_interval_days BETWEEN 1 AND 365),
        team_idle_hours integer NOT NULL DEFAULT 48 CHECK (team_idle_hours BETWEEN 1 AND 8760),
        team_stalled_days integer NOT NULL DEFAULT 14 CHECK (team_stalled_days BETWEEN 1 AND 365),
        discovery_lapsed_days integer NOT NULL DEFAULT 7 CHECK (discovery_lapsed_days BETWEEN 1 AND 365),
        one_on_one_overdue_days integer NOT NULL DEFAULT 14 CHECK (one_on_one_overdue_days BETWEEN 1 AND 365),
        manager_overloaded_reports integer NOT NULL DEFAULT 12 CHECK (manager_overloaded_reports BETWEEN 1 AND 1000),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        rule text NOT NULL,
        subject_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('OPEN', 'RESOLVED')),
        raised_at timestamptz NOT NULL,
        resolved_at timestamptz
      )`);
    await db.query(
      `CREATE UNIQUE INDEX alerts_one_open ON alerts (org_id, rule, subject_id) WHERE status = 'OPEN'`,
    );
    await db.query(`CREATE INDEX alerts_org_status ON alerts (org_id, status, raised_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'alerts',
      'org_settings',
      'manager_one_on_ones',
      'person_timeline',
      'team_timeline',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Alerting1763900000000 implements MigrationInterface {
  name = 'Alerting1763900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alerts ADD COLUMN figures jsonb NOT NULL DEFAULT '{}'`);
    await db.query(`ALTER TABLE alerts ADD COLUMN resolved_figures jsonb`);
    await db.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES organizations (id),
        url text NOT NULL,
        secret text NOT NULL,
        format text NOT NULL CHECK (format IN ('json', 'slack')),
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await db.query(`CREATE INDEX webhooks_org ON webhooks (org_id) WHERE deleted_at IS NULL`);
    // Written in the same transaction as the alert change it announces: a crash never loses a delivery.
    await db.query(`
      CREATE TABLE alert_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        org_id uuid NOT NULL,
        alert_id uuid NOT NULL REFERENCES alerts (id),
        channel text NOT NULL CHECK (channel IN ('kafka', 'webhook')),
        webhook_id uuid REFERENCES webhooks (id),
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        last_status integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      )`);
    await db.query(
      `CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE status = 'pending'`,
    );
    await db.query(`CREATE INDEX alert_outbox_webhook ON alert_outbox (webhook_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS alert_outbox`);
    await db.query(`DROP TABLE IF EXISTS webhooks`);
    await db.query(`ALTER TABLE alerts DROP COLUMN IF EXISTS resolved_figures`);
    await db.query(`ALTER TABLE alerts DROP COLUMN IF EXISTS figures`);
  }
}

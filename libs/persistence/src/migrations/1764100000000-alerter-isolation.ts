import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AlerterIsolation1764100000000 implements MigrationInterface {
  name = 'AlerterIsolation1764100000000';

  async up(db: QueryRunner): Promise<void> {
    // A claim is a lease: the delivery is sent outside any transaction, and comes due again if its
    // sender dies. claimed_by makes a late result from a lost lease change nothing.
    await db.query(
      `ALTER TABLE alert_outbox ADD COLUMN claimed_until timestamptz, ADD COLUMN claimed_by uuid`,
    );
    await db.query(`ALTER TABLE alert_outbox DROP CONSTRAINT IF EXISTS alert_outbox_status_check`);
    // 'failed' (given up) is no longer written: channels retry until delivered; 'cancelled' is a
    // delivery of a deleted webhook.
    await db.query(
      `ALTER TABLE alert_outbox ADD CONSTRAINT alert_outbox_status_check
         CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled'))`,
    );
    await db.query(
      `UPDATE alert_outbox o SET status = 'cancelled', last_error = 'the webhook was deleted'
         FROM webhooks w WHERE w.id = o.webhook_id AND w.deleted_at IS NOT NULL AND o.status IN ('pending', 'failed')`,
    );
    // What an older alerter gave up on is owed at least once, as promised.
    await db.query(
      `UPDATE alert_outbox SET status = 'pending', next_attempt_at = now() WHERE status = 'failed'`,
    );
    await db.query(
      `CREATE INDEX alert_outbox_in_flight ON alert_outbox (webhook_id)
         WHERE status = 'pending' AND claimed_until IS NOT NULL`,
    );
    await db.query(
      `CREATE INDEX alert_outbox_undelivered ON alert_outbox (channel, created_at) WHERE status = 'pending'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS alert_outbox_undelivered`);
    await db.query(`DROP INDEX IF EXISTS alert_outbox_in_flight`);
    await db.query(`UPDATE alert_outbox SET status = 'failed' WHERE status = 'cancelled'`);
    await db.query(`ALTER TABLE alert_outbox DROP CONSTRAINT IF EXISTS alert_outbox_status_check`);
    await db.query(
      `ALTER TABLE alert_outbox ADD CONSTRAINT alert_outbox_status_check
         CHECK (status IN ('pending', 'delivered', 'failed'))`,
    );
    await db.query(`ALTER TABLE alert_outbox DROP COLUMN claimed_until, DROP COLUMN claimed_by`);
  }
}

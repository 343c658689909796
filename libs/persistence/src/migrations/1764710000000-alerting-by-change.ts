import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerting whose cost follows the work asked (contract §12): the rules and subjects to judge (changed by
 * the projector, or falling due), sweeps that re-judge an org in pages, and an outbox claimed through
 * indexes in per-receiver queues.
 */
export class AlertingByChange1764710000000 implements MigrationInterface {
  name = 'AlertingByChange1764710000000';

  async up(db: QueryRunner): Promise<void> {
    // One row per rule and subject: claimed with FOR UPDATE SKIP LOCKED, so one alerter judges it at a time.
    await db.query(`
      CREATE TABLE alert_watch (
        org_id uuid NOT NULL,
        rule text NOT NULL,
        subject_id text NOT NULL,
        -- when the threshold falls due with no new event (the alerter sets it after judging)
        due_at timestamptz,
        -- a change to judge, from then on; bulk: made by old events or a sweep (yields to live work)
        change_at timestamptz,
        change_bulk boolean NOT NULL DEFAULT false,
        change_first_at timestamptz,
        last_occurred_at timestamptz,
        live_at timestamptz GENERATED ALWAYS AS (LEAST(due_at, CASE WHEN NOT change_bulk THEN change_at END)) STORED,
        bulk_at timestamptz GENERATED ALWAYS AS (CASE WHEN change_bulk THEN change_at END) STORED,
        PRIMARY KEY (org_id, rule, subject_id)
      )`);
    await db.query(`CREATE INDEX alert_watch_live ON alert_watch (live_at) WHERE live_at IS NOT NULL`);
    await db.query(`CREATE INDEX alert_watch_bulk ON alert_watch (bulk_at) WHERE bulk_at IS NOT NULL`);

    // An org to re-judge whole (its settings changed, read models rebuilt), a page at a time.
    await db.query(`
      CREATE TABLE alert_sweeps (
        org_id uuid PRIMARY KEY,
        requested_at timestamptz NOT NULL DEFAULT now(),
        stage smallint NOT NULL DEFAULT 0,
        after_rule text,
        after_subject text
      )`);
    await db.query(
      `CREATE TABLE alert_sweep_generation (id boolean PRIMARY KEY DEFAULT true CHECK (id), generation bigint NOT NULL)`,
    );
    await db.query(
      `INSERT INTO alert_sweep_generation (generation) SELECT generation FROM projection_generation`,
    );
    // what the alerter before this one judged is judged once more here, from the heads
    await db.query(`INSERT INTO alert_sweeps (org_id) SELECT id FROM organizations`);

    // A queue per receiver: each webhook, and each org's Kafka. A later change of an alert waits for the
    // earlier one on the same queue (waits_for), so only ready deliveries are in the claim's index.
    await db.query(`
      ALTER TABLE alert_outbox
        ADD COLUMN queue text GENERATED ALWAYS AS (
          CASE WHEN webhook_id IS NULL THEN 'kafka:' || org_id::text ELSE 'webhook:' || webhook_id::text END) STORED,
        ADD COLUMN lane smallint NOT NULL DEFAULT 0,
        ADD COLUMN waits_for bigint`);
    await db.query(
      `CREATE INDEX alert_outbox_alert ON alert_outbox (alert_id, queue) WHERE status = 'pending'`,
    );
    await db.query(`
      UPDATE alert_outbox o SET waits_for = (
        SELECT max(e.id) FROM alert_outbox e
         WHERE e.alert_id = o.alert_id AND e.queue = o.queue AND e.status = 'pending' AND e.id < o.id)
       WHERE o.status = 'pending'`);
    // a lease is a time the delivery is not due before
    await db.query(`
      UPDATE alert_outbox SET next_attempt_at = claimed_until
       WHERE status = 'pending' AND claimed_until > next_attempt_at`);
    await db.query(`
      CREATE INDEX alert_outbox_ready ON alert_outbox (queue, lane, next_attempt_at, id)
       WHERE status = 'pending' AND waits_for IS NULL`);
    await db.query(
      `CREATE INDEX alert_outbox_waiting ON alert_outbox (waits_for) WHERE waits_for IS NOT NULL`,
    );
    await db.query(`DROP INDEX IF EXISTS alert_outbox_due`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX IF NOT EXISTS alert_outbox_due ON alert_outbox (next_attempt_at) WHERE status = 'pending'`,
    );
    for (const index of ['alert_outbox_waiting', 'alert_outbox_ready', 'alert_outbox_alert'])
      await db.query(`DROP INDEX IF EXISTS ${index}`);
    await db.query(`ALTER TABLE alert_outbox DROP COLUMN waits_for, DROP COLUMN lane, DROP COLUMN queue`);
    await db.query(`DROP TABLE alert_sweep_generation, alert_sweeps, alert_watch`);
  }
}

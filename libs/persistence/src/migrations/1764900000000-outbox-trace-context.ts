import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OutboxTraceContext1764900000000 implements MigrationInterface {
  name = 'OutboxTraceContext1764900000000';

  // The W3C traceparent of the evaluation that enqueued a delivery (null when not traced), so that the
  // delivery, sent later and perhaps by another instance, continues the same trace.
  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alert_outbox ADD COLUMN trace_parent text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alert_outbox DROP COLUMN trace_parent`);
  }
}

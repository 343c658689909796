import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contract §11: a CloudEvent is identified by its source and id, a native event by its id within the org.
 * `identity_source` is the source for a CloudEvent and '' for a native event, so the store's key is one
 * unique index for both; the trace context a CloudEvent carries is kept beside it.
 */
export class EventIdentity1764800000000 implements MigrationInterface {
  name = 'EventIdentity1764800000000';

  async up(db: QueryRunner): Promise<void> {
    // a constant default: no row is rewritten (nor reaches the append-only trigger)
    await db.query(`
      ALTER TABLE event_store
        ADD COLUMN identity_source text NOT NULL DEFAULT '',
        ADD COLUMN traceparent text,
        ADD COLUMN tracestate text`);
    await db.query(
      `CREATE UNIQUE INDEX event_store_identity ON event_store (org_id, identity_source, event_id)`,
    );
    await db.query(`ALTER TABLE event_store DROP CONSTRAINT event_store_org_event_id`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE event_store ADD CONSTRAINT event_store_org_event_id UNIQUE (org_id, event_id)`,
    );
    await db.query(`DROP INDEX event_store_identity`);
    await db.query(
      `ALTER TABLE event_store DROP COLUMN identity_source, DROP COLUMN traceparent, DROP COLUMN tracestate`,
    );
  }
}

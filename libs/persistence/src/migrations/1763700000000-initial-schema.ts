import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE ingest_keys (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES organizations (id),
        key_hash text NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await db.query(`CREATE INDEX ingest_keys_org ON ingest_keys (org_id)`);
    await db.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES organizations (id),
        role text NOT NULL CHECK (role IN ('viewer', 'admin')),
        token_hash text NOT NULL UNIQUE,
        token_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await db.query(`CREATE INDEX api_tokens_org ON api_tokens (org_id)`);

    await db.query(`
      CREATE TABLE event_store (
        position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        org_id uuid NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        version smallint NOT NULL,
        subject text NOT NULL,
        occurred_at timestamptz NOT NULL,
        ingested_at timestamptz NOT NULL,
        source text,
        kafka_partition integer NOT NULL,
        kafka_offset bigint NOT NULL,
        data jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT event_store_org_event_id UNIQUE (org_id, event_id)
      )`);
    await db.query(
      `CREATE INDEX event_store_subject ON event_store (org_id, subject, occurred_at, position)`,
    );
    await db.query(`CREATE INDEX event_store_type ON event_store (org_id, type, occurred_at)`);
    // The store is the source of truth: the database itself refuses to change or remove history.
    await db.query(`
      CREATE FUNCTION event_store_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'event_store is append-only: % is not allowed', TG_OP USING ERRCODE = 'raise_exception';
      END $$`);
    await db.query(`
      CREATE TRIGGER event_store_no_update_delete BEFORE UPDATE OR DELETE ON event_store
      FOR EACH ROW EXECUTE FUNCTION event_store_is_append_only()`);
    await db.query(`
      CREATE TRIGGER event_store_no_truncate BEFORE TRUNCATE ON event_store
      FOR EACH STATEMENT EXECUTE FUNCTION event_store_is_append_only()`);

    await db.query(`
      CREATE TABLE projector_offsets (
        consumer_group text NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        next_offset bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, topic, partition)
      )`);

    await db.query(`
      CREATE TABLE team_status (
        org_id uuid NOT NULL,
        team_id text NOT NULL,
        name text,
        headcount integer NOT NULL,
        group_id text,
        registered boolean NOT NULL,
        archived boolean NOT NULL,
        blocked boolean NOT NULL,
        blocked_since timestamptz,
        block_reason text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, team_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'team_status',
      'projector_offsets',
      'event_store',
      'api_tokens',
      'ingest_keys',
      'organizations',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await db.query(`DROP FUNCTION IF EXISTS event_store_is_append_only()`);
  }
}

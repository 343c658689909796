import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PipelineIntegrity1764000000000 implements MigrationInterface {
  name = 'PipelineIntegrity1764000000000';

  async up(db: QueryRunner): Promise<void> {
    // An offset only means something in the cluster and topic incarnation it was read from; rows written
    // before this (NULL) are treated as foreign, so the topic is re-read once (deduplication makes it safe).
    await db.query(`ALTER TABLE projector_offsets ADD COLUMN cluster_id text, ADD COLUMN topic_id text`);
    // Records the projector could not store, written in the same transaction as the offset that passes
    // them, then relayed to the dead-letter topic exactly once (published_at set on ack or on reconciliation).
    await db.query(`
      CREATE TABLE dead_letters (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        origin_cluster_id text NOT NULL,
        origin_topic_id text NOT NULL,
        origin_topic text NOT NULL,
        origin_partition integer NOT NULL,
        origin_offset bigint NOT NULL,
        origin_timestamp text NOT NULL,
        record_key bytea,
        record_value bytea,
        record_headers jsonb NOT NULL DEFAULT '{}',
        error text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        dlq_partition integer,
        dlq_offset bigint,
        UNIQUE (origin_cluster_id, origin_topic_id, origin_topic, origin_partition, origin_offset)
      )`);
    await db.query(`CREATE INDEX dead_letters_unpublished ON dead_letters (id) WHERE published_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE dead_letters`);
    await db.query(`ALTER TABLE projector_offsets DROP COLUMN cluster_id, DROP COLUMN topic_id`);
  }
}

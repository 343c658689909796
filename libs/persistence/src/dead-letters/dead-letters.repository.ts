import type { EntityManager } from 'typeorm';

/** Where a record the projector could not store came from: unique, so a redelivered record is kept once. */
export interface DeadLetterOrigin {
  clusterId: string;
  topicId: string;
  topic: string;
  partition: number;
  offset: string;
}

export interface DeadLetter extends DeadLetterOrigin {
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  error: string;
}

export interface PendingDeadLetter extends DeadLetter {
  id: string;
}

interface Row {
  id: string;
  origin_cluster_id: string;
  origin_topic_id: string;
  origin_topic: string;
  origin_partition: number;
  origin_offset: string;
  origin_timestamp: string;
  record_key: Buffer | null;
  record_value: Buffer | null;
  record_headers: Record<string, string>;
  error: string;
}

/** The dead-letter outbox: written with the offset that passes the record, relayed to Kafka exactly once. */
export class DeadLettersRepository {
  /** Returns how many were new (a redelivered batch writes none). */
  async add(db: EntityManager, letters: readonly DeadLetter[]): Promise<number> {
    if (letters.length === 0) return 0;
    const rows: unknown[] = await db.query(
      `INSERT INTO dead_letters (origin_cluster_id, origin_topic_id, origin_topic, origin_partition, origin_offset,
                                 origin_timestamp, record_key, record_value, record_headers, error)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::bytea[],
                            $8::bytea[], $9::jsonb[], $10::text[])
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        letters.map((l) => l.clusterId),
        letters.map((l) => l.topicId),
        letters.map((l) => l.topic),
        letters.map((l) => l.partition),
        letters.map((l) => l.offset),
        letters.map((l) => l.timestamp),
        letters.map((l) => l.key),
        letters.map((l) => l.value),
        letters.map((l) => JSON.stringify(l.headers)),
        letters.map((l) => l.error),
      ],
    );
    return rows.length;
  }

  async pending(db: EntityManager, limit: number): Promise<PendingDeadLetter[]> {
    const rows: Row[] = await db.query(
      `SELECT id, origin_cluster_id, origin_topic_id, origin_topic, origin_partition, origin_offset, origin_timestamp,
              record_key, record_value, record_headers, error
         FROM dead_letters WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.id,
      clusterId: r.origin_cluster_id,
      topicId: r.origin_topic_id,
      topic: r.origin_topic,
      partition: r.origin_partition,
      offset: r.origin_offset,
      timestamp: r.origin_timestamp,
      key: r.record_key,
      value: r.record_value,
      headers: r.record_headers,
      error: r.error,
    }));
  }

  async markPublished(
    db: EntityManager,
    published: readonly { id: string; partition: number; offset: string }[],
  ): Promise<void> {
    if (published.length === 0) return;
    await db.query(
      `UPDATE dead_letters d SET published_at = now(), dlq_partition = t.p, dlq_offset = t.o
         FROM unnest($1::bigint[], $2::int[], $3::bigint[]) AS t(id, p, o)
        WHERE d.id = t.id AND d.published_at IS NULL`,
      [published.map((p) => p.id), published.map((p) => p.partition), published.map((p) => p.offset)],
    );
  }

  /** Marks letters found on the dead-letter topic (sent before a crash kept us from recording it). */
  async markFoundOnTopic(
    db: EntityManager,
    found: readonly (DeadLetterOrigin & { dlqPartition: number; dlqOffset: string })[],
  ): Promise<number> {
    if (found.length === 0) return 0;
    const rows: unknown[] = await db.query(
      `UPDATE dead_letters d SET published_at = now(), dlq_partition = t.dp, dlq_offset = t.dof
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::int[], $7::bigint[])
              AS t(c, ti, tp, p, o, dp, dof)
        WHERE d.published_at IS NULL AND d.origin_cluster_id = t.c AND d.origin_topic_id = t.ti
          AND d.origin_topic = t.tp AND d.origin_partition = t.p AND d.origin_offset = t.o
        RETURNING d.id`,
      [
        found.map((f) => f.clusterId),
        found.map((f) => f.topicId),
        found.map((f) => f.topic),
        found.map((f) => f.partition),
        found.map((f) => f.offset),
        found.map((f) => f.dlqPartition),
        found.map((f) => f.dlqOffset),
      ],
    );
    return rows.length;
  }

  /** The highest dead-letter-topic offset recorded per partition: reconciliation reads only past it. */
  async lastRecordedOffsets(db: EntityManager): Promise<Map<number, string>> {
    const rows: { p: number; o: string }[] = await db.query(
      `SELECT dlq_partition AS p, max(dlq_offset)::text AS o FROM dead_letters
        WHERE dlq_partition IS NOT NULL GROUP BY dlq_partition`,
    );
    return new Map(rows.map((r) => [r.p, r.o]));
  }

  async backlog(db: EntityManager): Promise<{ count: number; oldestAgeSeconds: number }> {
    const [row]: { count: number; age: number | null }[] = await db.query(
      `SELECT count(*)::int AS count, extract(epoch FROM now() - min(created_at))::float8 AS age
         FROM dead_letters WHERE published_at IS NULL`,
    );
    return { count: row.count, oldestAgeSeconds: row.age ?? 0 };
  }
}

import { type Queryable, col, rowShape, selectOne, selectRows } from '../database/typed-sql';

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

const DEAD_LETTER_ID_ROW = rowShape('dead letter id', { id: col.text() });
const PENDING_DEAD_LETTER_ROW = rowShape('pending dead letter', {
  id: col.text(),
  origin_cluster_id: col.text(),
  origin_topic_id: col.text(),
  origin_topic: col.text(),
  origin_partition: col.int(),
  origin_offset: col.text(),
  origin_timestamp: col.text(),
  record_key: col.nullable(col.bytes()),
  record_value: col.nullable(col.bytes()),
  record_headers: col.json(),
  error: col.text(),
});
/** A dead-letter-topic partition and the highest offset recorded in it. */
const RECORDED_OFFSET_ROW = rowShape('recorded dead-letter-topic offset', { p: col.int(), o: col.text() });
const BACKLOG_ROW = rowShape('dead-letter backlog', { count: col.int(), age: col.nullable(col.float()) });
const MARKED_COUNT_ROW = rowShape('dead letters marked found on the topic', { n: col.int() });

/** The dead-letter outbox: written with the offset that passes the record, relayed to Kafka exactly once. */
export class DeadLettersRepository {
  /** Works on the pool or inside a transaction (a DataSource's or a transaction's manager). */
  constructor(private readonly db: Queryable) {}

  /** Returns how many were new (a redelivered batch writes none). */
  async add(letters: readonly DeadLetter[]): Promise<number> {
    if (letters.length === 0) return 0;
    const rows = await selectRows(
      this.db,
      DEAD_LETTER_ID_ROW,
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

  async pending(limit: number): Promise<PendingDeadLetter[]> {
    const rows = await selectRows(
      this.db,
      PENDING_DEAD_LETTER_ROW,
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
      headers: r.record_headers as Record<string, string>,
      error: r.error,
    }));
  }

  async markPublished(
    published: readonly { id: string; partition: number; offset: string }[],
  ): Promise<void> {
    if (published.length === 0) return;
    await this.db.query(
      `UPDATE dead_letters d SET published_at = now(), dlq_partition = t.p, dlq_offset = t.o
         FROM unnest($1::bigint[], $2::int[], $3::bigint[]) AS t(id, p, o)
        WHERE d.id = t.id AND d.published_at IS NULL`,
      [published.map((p) => p.id), published.map((p) => p.partition), published.map((p) => p.offset)],
    );
  }

  /** Marks letters found on the dead-letter topic (sent before a crash kept us from recording it). */
  async markFoundOnTopic(
    found: readonly (DeadLetterOrigin & { dlqPartition: number; dlqOffset: string })[],
  ): Promise<number> {
    if (found.length === 0) return 0;
    // counted in SQL: an UPDATE's answer through TypeORM is [rows, count], not rows
    const { n } = await selectOne(
      this.db,
      MARKED_COUNT_ROW,
      `WITH marked AS (UPDATE dead_letters d SET published_at = now(), dlq_partition = t.dp, dlq_offset = t.dof
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::int[], $7::bigint[])
              AS t(c, ti, tp, p, o, dp, dof)
        WHERE d.published_at IS NULL AND d.origin_cluster_id = t.c AND d.origin_topic_id = t.ti
          AND d.origin_topic = t.tp AND d.origin_partition = t.p AND d.origin_offset = t.o
        RETURNING d.id)
       SELECT count(*)::int AS n FROM marked`,
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
    return n;
  }

  /** The highest dead-letter-topic offset recorded per partition: reconciliation reads only past it. */
  async lastRecordedOffsets(): Promise<Map<number, string>> {
    const rows = await selectRows(
      this.db,
      RECORDED_OFFSET_ROW,
      `SELECT dlq_partition AS p, max(dlq_offset)::text AS o FROM dead_letters
        WHERE dlq_partition IS NOT NULL GROUP BY dlq_partition`,
    );
    return new Map(rows.map((r) => [r.p, r.o]));
  }

  async backlog(): Promise<{ count: number; oldestAgeSeconds: number }> {
    const row = await selectOne(
      this.db,
      BACKLOG_ROW,
      `SELECT count(*)::int AS count, extract(epoch FROM now() - min(created_at))::float8 AS age
         FROM dead_letters WHERE published_at IS NULL`,
    );
    return { count: row.count, oldestAgeSeconds: row.age ?? 0 };
  }
}

import { type Queryable, col, rowShape, selectRows } from '../database/typed-sql';

export interface PartitionOffset {
  partition: number;
  nextOffset: string;
}

/** The cluster and topic incarnation an offset counts in (libs/messaging's TopicIdentity). */
export interface OffsetIdentity {
  clusterId: string;
  topicId: string;
}

export interface StoredPartitionOffset extends PartitionOffset {
  /** null for offsets stored before identities were recorded: they are trusted no more than a foreign one */
  identity: OffsetIdentity | null;
}

/** The partition's stored offset does not count in the topic the batch comes from: resume it afresh. */
export class ForeignOffsetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForeignOffsetError';
  }
}

const STORED_OFFSET_ROW = rowShape('stored projector offset', {
  partition: col.int(),
  next_offset: col.text(),
  cluster_id: col.nullable(col.text()),
  topic_id: col.nullable(col.text()),
});
const LOCKED_OFFSET_ROW = rowShape('locked projector offset', {
  topic: col.text(),
  partition: col.int(),
  next_offset: col.text(),
  cluster_id: col.nullable(col.text()),
  topic_id: col.nullable(col.text()),
});

const describe = (identity: OffsetIdentity | null) =>
  identity ? `cluster ${identity.clusterId} topic id ${identity.topicId}` : 'an unrecorded cluster';

export const sameIdentity = (a: OffsetIdentity | null, b: OffsetIdentity) =>
  a !== null && a.clusterId === b.clusterId && a.topicId === b.topicId;

/** Consumed offsets, written in the same transaction as the events and read models they cover. */
export class ProjectorOffsetsRepository {
  /** Works on the pool or inside a transaction (a DataSource's or a transaction's manager). */
  constructor(private readonly db: Queryable) {}

  /** Moves each partition's offset forward (never back); the rows exist: they were locked first. */
  async saveAll(group: string, offsets: readonly (PartitionOffset & { topic: string })[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.db.query(
      `UPDATE projector_offsets o SET next_offset = GREATEST(o.next_offset, t.n), updated_at = now()
         FROM unnest($2::text[], $3::int[], $4::bigint[]) AS t(topic, p, n)
        WHERE o.consumer_group = $1 AND o.topic = t.topic AND o.partition = t.p`,
      [group, offsets.map((o) => o.topic), offsets.map((o) => o.partition), offsets.map((o) => o.nextOffset)],
    );
  }

  async load(group: string, topic: string): Promise<StoredPartitionOffset[]> {
    const rows = await selectRows(
      this.db,
      STORED_OFFSET_ROW,
      `SELECT partition, next_offset, cluster_id, topic_id FROM projector_offsets
          WHERE consumer_group = $1 AND topic = $2`,
      [group, topic],
    );
    return rows.map((r) => ({
      partition: r.partition,
      nextOffset: r.next_offset,
      identity:
        r.cluster_id === null || r.topic_id === null
          ? null
          : { clusterId: r.cluster_id, topicId: r.topic_id },
    }));
  }

  /**
   * Locks the partitions' offset rows for this transaction and returns each one's next offset to project.
   * The row lock fences a consumer that lost a partition in a rebalance but is still finishing a batch.
   */
  async lockPartitions(
    group: string,
    partitions: readonly { topic: string; partition: number; identity: OffsetIdentity }[],
  ): Promise<string[]> {
    const params = [
      group,
      partitions.map((p) => p.topic),
      partitions.map((p) => p.partition),
      partitions.map((p) => p.identity.clusterId),
      partitions.map((p) => p.identity.topicId),
    ];
    await this.db.query(
      `INSERT INTO projector_offsets (consumer_group, topic, partition, next_offset, cluster_id, topic_id)
       SELECT $1, t, p, 0, c, i FROM unnest($2::text[], $3::int[], $4::text[], $5::text[]) AS k(t, p, c, i)
       ON CONFLICT DO NOTHING`,
      params,
    );
    const rows = await selectRows(
      this.db,
      LOCKED_OFFSET_ROW,
      `SELECT topic, partition, next_offset, cluster_id, topic_id FROM projector_offsets
          WHERE consumer_group = $1 AND (topic, partition) IN (SELECT * FROM unnest($2::text[], $3::int[]))
          ORDER BY topic, partition FOR UPDATE`,
      params.slice(0, 3),
    );
    return partitions.map(({ topic, partition, identity }) => {
      const row = rows.find((r) => r.topic === topic && r.partition === partition);
      if (!row) throw new Error(`no offset row for ${topic}/${partition}`);
      const stored =
        row.cluster_id && row.topic_id ? { clusterId: row.cluster_id, topicId: row.topic_id } : null;
      if (!sameIdentity(stored, identity))
        throw new ForeignOffsetError(
          `partition ${partition}: the stored offset counts in ${describe(stored)}, the batch comes from ${describe(identity)}`,
        );
      return row.next_offset;
    });
  }

  /** Binds the partition's offset to another cluster or topic incarnation, starting at `nextOffset`. */
  async rebind(
    group: string,
    topic: string,
    partition: number,
    identity: OffsetIdentity,
    nextOffset: string,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO projector_offsets (consumer_group, topic, partition, next_offset, cluster_id, topic_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (consumer_group, topic, partition) DO UPDATE
         SET next_offset = EXCLUDED.next_offset, cluster_id = EXCLUDED.cluster_id,
             topic_id = EXCLUDED.topic_id, updated_at = now()`,
      [group, topic, partition, nextOffset, identity.clusterId, identity.topicId],
    );
  }
}

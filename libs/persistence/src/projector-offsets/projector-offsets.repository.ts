import type { EntityManager } from 'typeorm';

export interface PartitionOffset {
  partition: number;
  nextOffset: string;
}

/** Consumed offsets, written in the same transaction as the events and read models they cover. */
export class ProjectorOffsetsRepository {
  async save(
    db: EntityManager,
    group: string,
    topic: string,
    offsets: readonly PartitionOffset[],
  ): Promise<void> {
    if (offsets.length === 0) return;
    await db.query(
      `INSERT INTO projector_offsets (consumer_group, topic, partition, next_offset, updated_at)
       SELECT $1, $2, p, o, now() FROM unnest($3::int[], $4::bigint[]) AS t(p, o)
       ON CONFLICT (consumer_group, topic, partition)
       DO UPDATE SET next_offset = GREATEST(projector_offsets.next_offset, EXCLUDED.next_offset), updated_at = now()`,
      [group, topic, offsets.map((o) => o.partition), offsets.map((o) => o.nextOffset)],
    );
  }

  async load(db: EntityManager, group: string, topic: string): Promise<PartitionOffset[]> {
    const rows: { partition: number; next_offset: string }[] = await db.query(
      'SELECT partition, next_offset FROM projector_offsets WHERE consumer_group = $1 AND topic = $2',
      [group, topic],
    );
    return rows.map((r) => ({ partition: r.partition, nextOffset: r.next_offset }));
  }

  /** Locks the partition's offset row for this transaction and returns the next offset to project. */
  async lockPartition(db: EntityManager, group: string, topic: string, partition: number): Promise<string> {
    await db.query(
      `INSERT INTO projector_offsets (consumer_group, topic, partition, next_offset) VALUES ($1, $2, $3, 0)
       ON CONFLICT DO NOTHING`,
      [group, topic, partition],
    );
    const rows: { next_offset: string }[] = await db.query(
      `SELECT next_offset FROM projector_offsets
        WHERE consumer_group = $1 AND topic = $2 AND partition = $3 FOR UPDATE`,
      [group, topic, partition],
    );
    return rows[0].next_offset;
  }
}

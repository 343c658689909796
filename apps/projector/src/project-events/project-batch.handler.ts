import type { AcceptedEvent } from '@orgpulse/contracts';
import {
  type DeadLetter,
  DeadLettersRepository,
  EventStoreRepository,
  ForeignOffsetError,
  type OffsetIdentity,
  ProjectorOffsetsRepository,
  ReadModelsProjection,
  type StoredPartitionOffset,
  holdProjectionLockShared,
} from '@orgpulse/persistence';
import type { DataSource } from 'typeorm';

/** A partition of one incarnation of a topic: offsets are only comparable within it. */
export interface PartitionRef {
  topic: string;
  partition: number;
  identity: OffsetIdentity;
}

export interface ProjectableRecord {
  offset: string;
  subject: string;
  event: AcceptedEvent;
}

/** A record that cannot be stored, as received, with why. */
export type UnprojectableRecord = Omit<DeadLetter, 'clusterId' | 'topicId' | 'topic' | 'partition'>;

export interface BatchOutcome {
  appended: number;
  duplicates: number;
  skippedAlreadyProjected: number;
  deadLettered: number;
}

/**
 * One PostgreSQL transaction per batch: append (deduplicated by org + event id), refresh the read
 * models of the subjects it touched, record dead letters, and store the next offset. All of it or none.
 */
export class ProjectBatchHandler {
  private readonly store = new EventStoreRepository();
  private readonly readModels = new ReadModelsProjection();
  private readonly offsets = new ProjectorOffsetsRepository();
  private readonly deadLetters = new DeadLettersRepository();

  constructor(
    private readonly db: DataSource,
    private readonly groupId: string,
  ) {}

  async project(
    at: PartitionRef,
    records: readonly ProjectableRecord[],
    letters: readonly UnprojectableRecord[],
    nextOffset: string,
    highWatermark?: string,
  ): Promise<BatchOutcome> {
    const { topic, partition, identity } = at;
    return this.db.transaction(async (tx) => {
      await holdProjectionLockShared(tx);
      const committed = BigInt(
        await this.offsets.lockPartition(tx, this.groupId, topic, partition, identity),
      );
      // Another cluster at the same address, not yet noticed by a rejoin: never drop its records as "seen".
      if (highWatermark !== undefined && committed > BigInt(highWatermark))
        throw new ForeignOffsetError(
          `partition ${partition}: the stored offset ${committed} is beyond the partition's end ${highWatermark}`,
        );
      const fresh = records.filter((r) => BigInt(r.offset) >= committed);
      const appended = await this.store.append(
        tx,
        fresh.map((r) => ({ event: r.event, subject: r.subject, partition, offset: r.offset })),
      );
      await this.readModels.refresh(tx, appended);
      const deadLettered = await this.deadLetters.add(
        tx,
        letters
          .filter((l) => BigInt(l.offset) >= committed)
          .map((l) => ({ ...l, ...identity, topic, partition })),
      );
      // the alerter re-evaluates these orgs at once (delivered on commit, and only then)
      for (const orgId of new Set(appended.map((e) => e.event.orgId))) {
        await tx.query(`SELECT pg_notify('orgpulse_projections', $1)`, [orgId]);
      }
      if (deadLettered > 0) await tx.query(`SELECT pg_notify('orgpulse_dead_letters', '')`);
      if (BigInt(nextOffset) > committed) {
        await this.offsets.save(tx, this.groupId, topic, [{ partition, nextOffset }]);
      }
      return {
        appended: appended.length,
        duplicates: fresh.length - appended.length,
        skippedAlreadyProjected: records.length - fresh.length,
        deadLettered,
      };
    });
  }

  async storedOffset(topic: string, partition: number): Promise<StoredPartitionOffset | undefined> {
    const stored = await this.offsets.load(this.db.manager, this.groupId, topic);
    return stored.find((s) => s.partition === partition);
  }

  /** Starts the partition over at `nextOffset` in another cluster or topic incarnation. */
  rebind(at: PartitionRef, nextOffset: string): Promise<void> {
    return this.db.transaction(async (tx) => {
      await holdProjectionLockShared(tx);
      await this.offsets.rebind(tx, this.groupId, at.topic, at.partition, at.identity, nextOffset);
    });
  }
}

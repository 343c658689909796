import type { AcceptedEvent } from '@orgpulse/contracts';
import { READ_MODELS } from '@orgpulse/domain';
import {
  alertMarking,
  type DeadLetter,
  DeadLettersRepository,
  EventStoreRepository,
  ForeignOffsetError,
  type OffsetIdentity,
  ProjectionEngine,
  ProjectorOffsetsRepository,
  type StoredPartitionOffset,
  type SubjectMemory,
  holdProjectionLockShared,
} from '@orgpulse/persistence';
import type { DataSource, EntityManager } from 'typeorm';

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

/** One partition's share of a transaction. */
export interface PartitionBatch {
  at: PartitionRef;
  records: readonly ProjectableRecord[];
  letters: readonly UnprojectableRecord[];
  nextOffset: string;
  highWatermark?: string;
}

export interface BatchOutcome {
  appended: number;
  duplicates: number;
  skippedAlreadyProjected: number;
  deadLettered: number;
}

// Past this many remembered subjects the memory starts over: it saves reads, it is never needed.
const MAX_REMEMBERED_SUBJECTS = 100_000;

/**
 * One PostgreSQL transaction for the batches of any number of partitions: append (deduplicated by org +
 * event id), bring the read models of the touched subjects up to date, record dead letters, and store
 * each partition's next offset. All of it or none.
 */
export class ProjectBatchHandler {
  private readonly store = new EventStoreRepository();
  // the alerter judges what each batch changed (marked in this transaction)
  private readonly engine = new ProjectionEngine(READ_MODELS, '', alertMarking);
  private readonly offsets = new ProjectorOffsetsRepository();
  private readonly deadLetters = new DeadLettersRepository();
  private memory = new Map<string, SubjectMemory>();

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
    const [outcome] = await this.projectAll([{ at, records, letters, nextOffset, highWatermark }]);
    return outcome;
  }

  async projectAll(batches: readonly PartitionBatch[]): Promise<BatchOutcome[]> {
    const { outcomes, remembered } = await this.db.transaction(async (tx) => {
      // Offsets commit with the writes, so a commit lost in a PostgreSQL crash is replayed from Kafka.
      // Dead letters are relayed to Kafka once committed: those transactions wait for the disk.
      if (batches.every((b) => b.letters.length === 0)) await tx.query('SET LOCAL synchronous_commit = off');
      await holdProjectionLockShared(tx);
      const committed = await this.lockPartitions(tx, batches);
      const fresh = batches.map((b, i) => b.records.filter((r) => BigInt(r.offset) >= committed[i]));
      const appended = await this.store.append(
        tx,
        batches.flatMap((b, i) =>
          fresh[i].map((r) => ({
            event: r.event,
            subject: r.subject,
            partition: b.at.partition,
            offset: r.offset,
          })),
        ),
      );
      const remembered = await this.engine.apply(tx, appended, this.memory);
      const deadLettered = await Promise.all(
        batches.map((b, i) =>
          this.deadLetters.add(
            tx,
            b.letters
              .filter((l) => BigInt(l.offset) >= committed[i])
              .map((l) => ({ ...l, ...b.at.identity, topic: b.at.topic, partition: b.at.partition })),
          ),
        ),
      );
      const orgs = [...new Set(appended.map((e) => e.event.orgId))];
      // the alerter re-evaluates these orgs at once (delivered on commit, and only then)
      if (orgs.length > 0)
        await tx.query(`SELECT pg_notify('orgpulse_projections', o) FROM unnest($1::text[]) AS o`, [orgs]);
      if (deadLettered.some((n) => n > 0)) await tx.query(`SELECT pg_notify('orgpulse_dead_letters', '')`);
      await this.offsets.saveAll(
        tx,
        this.groupId,
        batches
          .filter((b, i) => BigInt(b.nextOffset) > committed[i])
          .map((b) => ({ topic: b.at.topic, partition: b.at.partition, nextOffset: b.nextOffset })),
      );
      const appendedBy = (partition: number) => appended.filter((e) => e.partition === partition).length;
      return {
        remembered,
        outcomes: batches.map((b, i) => ({
          appended: appendedBy(b.at.partition),
          duplicates: fresh[i].length - appendedBy(b.at.partition),
          skippedAlreadyProjected: b.records.length - fresh[i].length,
          deadLettered: deadLettered[i],
        })),
      };
    });
    this.remember(remembered);
    return outcomes;
  }

  /** Drops what is remembered of subjects (on a rebalance: their partitions may now be another's). */
  forget(): void {
    this.memory = new Map();
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

  /** Locks every partition's offset row; refuses a batch whose topic is not the one the offset counts in. */
  private async lockPartitions(tx: EntityManager, batches: readonly PartitionBatch[]): Promise<bigint[]> {
    const locked = await this.offsets.lockPartitions(
      tx,
      this.groupId,
      batches.map((b) => ({ topic: b.at.topic, partition: b.at.partition, identity: b.at.identity })),
    );
    return batches.map((b, i) => {
      const committed = BigInt(locked[i]);
      // Another cluster at the same address, not yet noticed by a rejoin: never drop its records as "seen".
      if (b.highWatermark !== undefined && committed > BigInt(b.highWatermark))
        throw new ForeignOffsetError(
          `partition ${b.at.partition}: the stored offset ${committed} is beyond the partition's end ${b.highWatermark}`,
        );
      return committed;
    });
  }

  private remember(remembered: ReadonlyMap<string, SubjectMemory>): void {
    if (this.memory.size + remembered.size > MAX_REMEMBERED_SUBJECTS) this.memory = new Map();
    for (const [key, memory] of remembered) this.memory.set(key, memory);
  }
}

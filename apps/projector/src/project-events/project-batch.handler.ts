import type { AcceptedEvent } from '@orgpulse/contracts';
import { READ_MODELS } from '@orgpulse/domain';
import {
  alertMarking,
  type ConflictingEvent,
  type DeadLetter,
  DeadLettersRepository,
  EventStoreRepository,
  ForeignOffsetError,
  type OffsetIdentity,
  ProjectionEngine,
  NOTIFY_CHANNELS,
  ProjectorOffsetsRepository,
  type StoredPartitionOffset,
  findConflictingEvents,
  notAppended,
  holdProjectionLockShared,
  COPY_AT_LEAST,
  PROJECTION_LOCK_SHARED,
  prepareBatchTables,
  projectionNotice,
  StoredAlreadyError,
  causeOf,
} from '@orgpulse/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { type StageTimer, UNTIMED, timed } from './stage-timer';

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
  /** per org, the traceparent its NOTIFY carries (a traced batch: see trace-batch.ts) */
  traces?: ReadonlyMap<string, string>;
}

export interface BatchOutcome {
  appended: number;
  duplicates: number;
  skippedAlreadyProjected: number;
  deadLettered: number;
  /** Repeats of a stored identity with other content (contract §11): kept out, counted and logged. */
  conflicts: ConflictingEvent[];
}

/**
 * One PostgreSQL transaction for the batches of any number of partitions: append (deduplicated by org +
 * event id), bring the read models of the touched subjects up to date, record dead letters, and store
 * each partition's next offset. All of it or none.
 */
export class ProjectBatchHandler {
  private readonly engine: ProjectionEngine;

  constructor(
    private readonly db: DataSource,
    private readonly groupId: string,
    private readonly stages: StageTimer = UNTIMED,
  ) {
    // the alerter judges what each batch changed (marked in this transaction)
    this.engine = timed(
      new ProjectionEngine(READ_MODELS, '', alertMarking),
      { apply: 'read_models' },
      stages,
    );
  }

  /** The repositories of one transaction, their work timed as the projector's stages. */
  private repositories(tx: EntityManager) {
    return {
      store: timed(new EventStoreRepository(tx), { append: 'append', appendAhead: 'append' }, this.stages),
      offsets: timed(
        new ProjectorOffsetsRepository(tx),
        { lockPartitions: 'lock', saveAll: 'offsets' },
        this.stages,
      ),
      deadLetters: timed(new DeadLettersRepository(tx), { add: 'dead_letters' }, this.stages),
    };
  }

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

  /**
   * The store's COPY runs while the read models are folded (appendAhead); a batch that meets an event
   * stored already (a redelivery) loses that transaction and is projected again deciding event by event.
   */
  async projectAll(batches: readonly PartitionBatch[]): Promise<BatchOutcome[]> {
    try {
      return await this.transact(batches, true);
    } catch (error) {
      if (!(error instanceof StoredAlreadyError)) throw error;
      return this.transact(batches, false);
    }
  }

  private transact(batches: readonly PartitionBatch[], ahead: boolean): Promise<BatchOutcome[]> {
    return this.db.transaction(async (tx) => {
      const { store, offsets, deadLetters } = this.repositories(tx);
      // Offsets commit with the writes, so a commit lost in a PostgreSQL crash is replayed from Kafka.
      // Dead letters are relayed to Kafka once committed: those transactions wait for the disk.
      const durable = batches.some((b) => b.letters.length > 0);
      const first = [...(durable ? [] : ['SET LOCAL synchronous_commit = off']), PROJECTION_LOCK_SHARED];
      // One round trip, with the read models' batch tables when some may go by COPY: a smaller batch
      // writes fewer rows to each (a late fact re-folding many weeks makes its table before its COPY).
      const records = batches.reduce((n, b) => n + b.records.length, 0);
      await prepareBatchTables(tx, records >= COPY_AT_LEAST ? this.engine.batchRows : [], first);
      const committed = await this.lockPartitions(offsets, batches);
      const fresh = batches.map((b, i) => b.records.filter((r) => BigInt(r.offset) >= committed[i]));
      const offered = batches.flatMap((b, i) =>
        fresh[i].map((r) => ({
          event: r.event,
          subject: r.subject,
          partition: b.at.partition,
          offset: r.offset,
        })),
      );
      const copying = ahead ? await store.appendAhead(offered) : undefined;
      const appended = copying?.appended ?? (await store.append(offered, { copy: ahead }));
      // the read models' reads first, then the COPY (its text made already): they fold while PostgreSQL
      // takes its rows
      const failures: unknown[] = [];
      const failed = (error: unknown) => {
        failures.push(error);
      };
      await Promise.all([this.engine.apply(tx, appended).catch(failed), copying?.write().catch(failed)]);
      // a COPY that met a stored event (StoredAlreadyError) starts the batch over, deciding event by event
      if (failures.length > 0) throw causeOf(failures);
      const conflicts = await findConflictingEvents(tx, notAppended(offered, appended));
      const deadLettered = await Promise.all(
        batches.map((b, i) =>
          deadLetters.add(
            b.letters
              .filter((l) => BigInt(l.offset) >= committed[i])
              .map((l) => ({ ...l, ...b.at.identity, topic: b.at.topic, partition: b.at.partition })),
          ),
        ),
      );
      const orgs = [...new Set(appended.map((e) => e.event.orgId))];
      // the alerter hears at once of what these orgs' batch marked (delivered on commit, and only then)
      const traceOf = (orgId: string) => batches.find((b) => b.traces?.has(orgId))?.traces?.get(orgId);
      if (orgs.length > 0)
        await tx.query(`SELECT pg_notify($2, o) FROM unnest($1::text[]) AS o`, [
          orgs.map((o) => projectionNotice(o, traceOf(o))),
          NOTIFY_CHANNELS.projections,
        ]);
      await offsets.saveAll(
        this.groupId,
        batches
          .filter((b, i) => BigInt(b.nextOffset) > committed[i])
          .map((b) => ({ topic: b.at.topic, partition: b.at.partition, nextOffset: b.nextOffset })),
      );
      const appendedBy = (partition: number) => appended.filter((e) => e.partition === partition).length;
      return batches.map((b, i) => ({
        appended: appendedBy(b.at.partition),
        duplicates: fresh[i].length - appendedBy(b.at.partition),
        skippedAlreadyProjected: b.records.length - fresh[i].length,
        deadLettered: deadLettered[i],
        conflicts: conflicts.filter((c) => c.partition === b.at.partition),
      }));
    });
  }

  async storedOffset(topic: string, partition: number): Promise<StoredPartitionOffset | undefined> {
    const stored = await new ProjectorOffsetsRepository(this.db.manager).load(this.groupId, topic);
    return stored.find((s) => s.partition === partition);
  }

  /** Starts the partition over at `nextOffset` in another cluster or topic incarnation. */
  rebind(at: PartitionRef, nextOffset: string): Promise<void> {
    return this.db.transaction(async (tx) => {
      await holdProjectionLockShared(tx);
      await new ProjectorOffsetsRepository(tx).rebind(
        this.groupId,
        at.topic,
        at.partition,
        at.identity,
        nextOffset,
      );
    });
  }

  /** Locks every partition's offset row; refuses a batch whose topic is not the one the offset counts in. */
  private async lockPartitions(
    offsets: ProjectorOffsetsRepository,
    batches: readonly PartitionBatch[],
  ): Promise<bigint[]> {
    const locked = await offsets.lockPartitions(
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
}

import type { AcceptedEvent } from '@orgpulse/contracts';
import {
  EventStoreRepository,
  ProjectorOffsetsRepository,
  ReadModelsProjection,
  holdProjectionLockShared,
} from '@orgpulse/persistence';
import type { DataSource } from 'typeorm';

export interface ProjectableRecord {
  offset: string;
  subject: string;
  event: AcceptedEvent;
}

export interface BatchOutcome {
  appended: number;
  duplicates: number;
  skippedAlreadyProjected: number;
}

/**
 * One PostgreSQL transaction per batch: append (deduplicated by org + event id), refresh the read
 * models of the subjects it touched, and store the next offset. Either all of it lands or none.
 */
export class ProjectBatchHandler {
  private readonly store = new EventStoreRepository();
  private readonly readModels = new ReadModelsProjection();
  private readonly offsets = new ProjectorOffsetsRepository();

  constructor(
    private readonly db: DataSource,
    private readonly groupId: string,
  ) {}

  async project(
    topic: string,
    partition: number,
    records: readonly ProjectableRecord[],
    nextOffset: string,
  ): Promise<BatchOutcome> {
    return this.db.transaction(async (tx) => {
      await holdProjectionLockShared(tx);
      // The row lock fences a consumer that lost this partition in a rebalance but is still finishing a batch.
      const committed = await this.offsets.lockPartition(tx, this.groupId, topic, partition);
      const fresh = records.filter((r) => BigInt(r.offset) >= BigInt(committed));
      const appended = await this.store.append(
        tx,
        fresh.map((r) => ({ event: r.event, subject: r.subject, partition, offset: r.offset })),
      );

      await this.readModels.refresh(tx, appended);
      // the alerter re-evaluates these orgs at once (delivered on commit, and only then)
      for (const orgId of new Set(appended.map((e) => e.event.orgId))) {
        await tx.query(`SELECT pg_notify('orgpulse_projections', $1)`, [orgId]);
      }

      if (BigInt(nextOffset) > BigInt(committed)) {
        await this.offsets.save(tx, this.groupId, topic, [{ partition, nextOffset }]);
      }
      return {
        appended: appended.length,
        duplicates: fresh.length - appended.length,
        skippedAlreadyProjected: records.length - fresh.length,
      };
    });
  }
}

import { type AcceptedEvent, subjectOf } from '@orgpulse/contracts';
import { READ_MODELS } from '@orgpulse/domain';
import {
  EventStoreRepository,
  ProjectionEngine,
  alertMarkingAfter,
  holdProjectionLockShared,
} from '@orgpulse/persistence';
import type { DataSource } from 'typeorm';

/**
 * Projects events as a live projector batch does, in one transaction: appended to the event store, read
 * models brought up to date, and what alerting must judge marked. Live changes are due after
 * `liveBatchMs`: at once unless asked (a test judges right after projecting), where the projector batches
 * them (ALERT_LIVE_BATCH_MS).
 */
export async function projectEvents(
  db: DataSource,
  events: readonly AcceptedEvent[],
  liveBatchMs = 0,
): Promise<void> {
  await db.transaction(async (tx) => {
    await holdProjectionLockShared(tx);
    const appended = await new EventStoreRepository(tx).append(
      events.map((event, i) => ({ event, subject: subjectOf(event), partition: 0, offset: String(i) })),
    );
    await new ProjectionEngine(READ_MODELS, '', alertMarkingAfter(liveBatchMs)).apply(tx, appended);
  });
}

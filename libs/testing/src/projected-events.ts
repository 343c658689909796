import { type AcceptedEvent, subjectOf } from '@orgpulse/contracts';
import { READ_MODELS } from '@orgpulse/domain';
import {
  EventStoreRepository,
  ProjectionEngine,
  alertMarking,
  holdProjectionLockShared,
} from '@orgpulse/persistence';
import type { DataSource } from 'typeorm';

/**
 * Projects events as a live projector batch does, in one transaction: appended to the event store, read
 * models brought up to date, and what alerting must judge marked.
 */
export async function projectEvents(db: DataSource, events: readonly AcceptedEvent[]): Promise<void> {
  await db.transaction(async (tx) => {
    await holdProjectionLockShared(tx);
    const appended = await new EventStoreRepository(tx).append(
      events.map((event, i) => ({ event, subject: subjectOf(event), partition: 0, offset: String(i) })),
    );
    await new ProjectionEngine(READ_MODELS, '', alertMarking).apply(tx, appended);
  });
}

import { type AcceptedEvent, subjectOf } from '@orgpulse/contracts';
import { EventStoreRepository, ProjectionEngine } from '@orgpulse/persistence';
import type { DataSource } from 'typeorm';

/**
 * Appends events to the store and projects them as the projector does, in batches of the sizes given
 * (taken in turn; one batch by default): an event later in the list than events it precedes in time
 * arrives late.
 */
export async function projectInBatches(
  db: DataSource,
  events: readonly AcceptedEvent[],
  batchSizes: readonly number[] = [events.length],
): Promise<void> {
  const engine = new ProjectionEngine();
  for (let i = 0, step = 0; i < events.length; step++) {
    const batch = events.slice(i, i + batchSizes[step % batchSizes.length]);
    i += batch.length;
    await db.transaction(async (tx) => {
      const appended = await new EventStoreRepository(tx).append(
        batch.map((event, k) => ({ event, subject: subjectOf(event), partition: 0, offset: String(i + k) })),
      );
      await engine.apply(tx, appended);
    });
  }
}

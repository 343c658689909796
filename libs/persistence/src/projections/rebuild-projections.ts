import type { DataSource } from 'typeorm';
import { col, rowShape, selectOne } from '../database/typed-sql';
import { EventStoreRepository, type StorePageCursor } from '../event-store/event-store.repository';
import { HistoryFold } from './history-fold';
import { holdProjectionLockExclusive } from './projection-lock';
import type { ClientBase } from 'pg';
import { ProjectionEngine, type RebuildTotals } from './projection-engine';
import { recordReadModelVersions } from './read-model-versions';

export interface RebuildProgress {
  events: number;
  totalEvents: number;
}

export interface RebuildResult {
  events: number;
  subjects: number;
  durationMs: number;
}

// Events per page: about three pages are alive at once (read, folded, copied) and survive young-generation
// GCs, so the heap, and peak RSS, grow with the page (E6's large org: 410 MiB at 5,000, 227 MiB at 2,500)
const PAGE = 2_500;

/** The highest position stored (bigint, as text; 0 when empty) and how many events there are. */
const STORE_EXTENT_ROW = rowShape('event store extent', { max: col.text(), count: col.int() });

/**
 * Recomputes every read model from the event store beside the live tables, then swaps them in one
 * transaction: readers see the old tables until the commit and the complete new ones after it.
 */
export async function rebuildProjections(
  db: DataSource,
  onProgress: (progress: RebuildProgress) => void = () => undefined,
  pageSize = PAGE,
): Promise<RebuildResult> {
  const started = Date.now();
  const store = new EventStoreRepository(db.manager);
  // Read under the exclusive lock: positions are drawn when a batch inserts but become visible when it
  // commits, so only with no batch in flight is every event at or below max already visible.
  const { max, count } = await db.transaction(async (tx) => {
    await holdProjectionLockExclusive(tx);
    return selectOne(
      tx,
      STORE_EXTENT_ROW,
      `SELECT coalesce(max(position), 0)::text AS max, count(*)::int AS count FROM event_store`,
    );
  });

  const live = new ProjectionEngine();
  for (const table of live.tables) {
    await db.query(`DROP TABLE IF EXISTS ${table}_rebuild`);
    await db.query(`CREATE TABLE ${table}_rebuild (LIKE ${table} INCLUDING ALL)`);
  }
  const target = new ProjectionEngine(live.models, '_rebuild');

  let events = 0;
  let version = 0;
  const fold = new HistoryFold(target.models);
  const totals: RebuildTotals = new Map();
  const copier = db.createQueryRunner();
  const client = (await copier.connect()) as ClientBase;
  const read = (cursor: StorePageCursor | undefined) => {
    const page = store.readAllUpTo(max, cursor, pageSize);
    page.catch(() => undefined); // awaited later: a failure then is not an unhandled rejection now
    return page;
  };
  try {
    // Keyset pages in (org, subject, occurredAt, position) order, folded as they come: a subject's history
    // may span pages (only its open week is held). PostgreSQL reads the next page and copies the last
    // one's rows while this one is folded.
    let reading = read(undefined);
    let copying: Promise<void> = Promise.resolve();
    for (;;) {
      const { events: page, next } = await reading;
      if (page.length === 0) break;
      reading = page.length < pageSize ? Promise.resolve({ events: [], next }) : read(next);
      events += page.length;
      for (const e of page) if (e.position > version) version = e.position;
      const rows = fold.add(page);
      await copying;
      copying = target.copyWrites(client, rows, version, totals);
      copying.catch(() => undefined);
      onProgress({ events, totalEvents: count });
    }
    await copying;
    await target.copyWrites(client, fold.finish(), version, totals);
  } finally {
    await copier.release();
  }
  await target.writeTotals(db.manager, totals);
  // Statistics before the swap: tables filled by COPY have none until autovacuum comes (never, where it is
  // off), and the planner then takes them for empty: readers' plans read and sorted every row of an org.
  for (const table of live.tables) await db.query(`ANALYZE ${table}_rebuild`);

  await db.transaction(async (tx) => {
    await holdProjectionLockExclusive(tx);
    // Events projected while the rebuild ran: re-fold their subjects into the new table too.
    const newer = await new EventStoreRepository(tx).readNewerThan(max);
    await target.apply(tx, newer);
    for (const table of live.tables) {
      await tx.query(`ALTER TABLE ${table} RENAME TO ${table}_replaced`);
      await tx.query(`ALTER TABLE ${table}_rebuild RENAME TO ${table}`);
      await tx.query(`DROP TABLE ${table}_replaced`);
    }
    await tx.query(`UPDATE projection_generation SET generation = generation + 1`);
    await recordReadModelVersions(tx, live.models);
  });
  return { events, subjects: fold.subjects, durationMs: Date.now() - started };
}

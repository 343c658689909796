import type { DataSource } from 'typeorm';
import { col, rowShape, selectOne } from '../database/typed-sql';
import { EventStoreRepository, storeInOrder } from '../event-store/event-store.repository';
import { dropDocumentStatistics } from './document-statistics';
import { HistoryFold } from './history-fold';
import { holdProjectionLockExclusive } from './projection-lock';
import { Client, type ClientConfig } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { OpenCopies } from '../database/copy-rows';
import { NOTIFY_CHANNELS } from '../database/notify-channels';
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

// Events per page: pages read ahead and the one folded survive young-generation GCs, so the heap, and
// peak RSS, grow with them (E6's large org, two pages ahead: 257 MiB at 2,500 events a page, 210 at 1,250)
const PAGE = 1_250;

/** ANALYZE statements run at once after the fold, each on a connection of its own. */
const ANALYZE_AT_ONCE = 2;

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
  // LIKE copies no column's statistics target
  await dropDocumentStatistics(db, target.tables);

  let events = 0;
  let version = 0;
  const fold = new HistoryFold(target.models);
  const totals: RebuildTotals = new Map();
  const copies = new OpenCopies(connectionsLike(db));
  try {
    // Pages in (org, subject, occurredAt, position) order, folded as they come: a subject's history may
    // span pages (only its open week is held). PostgreSQL reads the next pages and parses the rows copied
    // so far while this one is folded.
    for await (const page of storeInOrder(db, max, pageSize)) {
      events += page.length;
      for (const e of page) if (e.position > version) version = e.position;
      await target.copyWrites(copies, fold.add(page), version, totals);
      onProgress({ events, totalEvents: count });
    }
    await target.copyWrites(copies, fold.finish(), version, totals);
    await copies.end();
  } catch (error) {
    await copies.abort(error);
    throw error;
  }
  await target.writeTotals(db.manager, totals);
  // Statistics before the swap: tables filled by COPY have none until autovacuum comes (never, where it is
  // off), and the planner then takes them for empty: readers' plans read and sorted every row of an org.
  // Their JSON documents get none (dropDocumentStatistics above).
  await analyze(
    connectionsLike(db),
    live.tables.map((table) => `${table}_rebuild`),
  );

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
    // every org's read models changed at once: what readers hold of them is stale (as after a projection)
    await tx.query(`SELECT pg_notify($1, id::text) FROM organizations`, [NOTIFY_CHANNELS.projections]);
    await recordReadModelVersions(tx, live.models);
  });
  return { events, subjects: fold.subjects, durationMs: Date.now() - started };
}

/** ANALYZEs the tables, ANALYZE_AT_ONCE at a time; after a failure no other one starts. */
async function analyze(connect: () => Promise<Client>, tables: readonly string[]): Promise<void> {
  const waiting = [...tables];
  let failed = false;
  const work = async () => {
    const client = await connect();
    try {
      for (let table = waiting.shift(); table !== undefined && !failed; table = waiting.shift())
        await client.query(`ANALYZE ${table}`);
    } finally {
      await client.end();
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(ANALYZE_AT_ONCE, waiting.length) }, () =>
      work().catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    ),
  );
}

/** New connections configured as the data source's pool makes them (its url, timeouts, application name). */
function connectionsLike(db: DataSource): () => Promise<Client> {
  const options = (db.driver as PostgresDriver).master as { options: ClientConfig };
  return async () => {
    const client = new Client(options.options);
    await client.connect();
    return client;
  };
}

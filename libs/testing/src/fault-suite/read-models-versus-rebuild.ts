import { READ_MODEL_TABLES } from '@orgpulse/persistence';
import { runCli } from '../spawned-process';
import type { TestDatabase } from '../test-database';

export interface ReadModelDiff {
  table: string;
  rows: number;
  /** Rows as projected live that the rebuild does not have (e.g. an event counted twice). */
  onlyLive: number;
  /** Rows the rebuild has that the live projection does not. */
  onlyRebuilt: number;
  example?: { live?: string; rebuilt?: string };
}

/** Every row of every read model, without the bookkeeping column `updated_at`, as canonical jsonb text. */
async function snapshot(db: TestDatabase): Promise<Map<string, string[]>> {
  const tables = new Map<string, string[]>();
  for (const table of READ_MODEL_TABLES) {
    const rows = await db.query<{ row: string }>(
      `SELECT (to_jsonb(t) - 'updated_at' - 'version')::text AS row FROM ${table} t
        ${table.endsWith('_day_totals') ? "WHERE EXISTS (SELECT 1 FROM jsonb_each(to_jsonb(t) - 'org_id' - 'day_ms') c WHERE c.value <> '0')" : ''}
        ORDER BY 1`,
    );
    tables.set(
      table,
      rows.map((r) => r.row),
    );
  }
  return tables;
}

function difference(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const row of b) counts.set(row, (counts.get(row) ?? 0) + 1);
  return a.filter((row) => {
    const n = counts.get(row) ?? 0;
    if (n > 0) counts.set(row, n - 1);
    return n === 0;
  });
}

/**
 * The read models as the projector left them, row by row, against what `projections rebuild` (the
 * built CLI) recomputes from the event store. Call it once the projector has nothing left to do.
 */
export async function readModelsVersusRebuild(db: TestDatabase): Promise<ReadModelDiff[]> {
  const live = await snapshot(db);
  const rebuild = await runCli(['projections', 'rebuild'], { DATABASE_URL: db.url });
  if (rebuild.code !== 0) throw new Error(`projections rebuild failed (${rebuild.code}):\n${rebuild.stderr}`);
  const rebuilt = await snapshot(db);
  return READ_MODEL_TABLES.map((table) => {
    const onlyLive = difference(live.get(table) ?? [], rebuilt.get(table) ?? []);
    const onlyRebuilt = difference(rebuilt.get(table) ?? [], live.get(table) ?? []);
    return {
      table,
      rows: rebuilt.get(table)?.length ?? 0,
      onlyLive: onlyLive.length,
      onlyRebuilt: onlyRebuilt.length,
      ...(onlyLive.length + onlyRebuilt.length > 0
        ? { example: { live: onlyLive[0]?.slice(0, 400), rebuilt: onlyRebuilt[0]?.slice(0, 400) } }
        : {}),
    };
  });
}

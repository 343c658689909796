import { isoWeekStart } from '@orgpulse/domain';
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

/**
 * Every row of every read model, without the bookkeeping column `updated_at`, as canonical jsonb text;
 * weeks one per ISO week, however many rows a busy one is stored as (where they split depends on the
 * order facts arrived in).
 */
async function snapshot(db: TestDatabase): Promise<Map<string, string[]>> {
  const tables = new Map<string, string[]>();
  for (const table of READ_MODEL_TABLES) {
    const weeks = table.endsWith('_weeks');
    const rows = await db.query<{ row: string }>(
      `SELECT (to_jsonb(t) - 'updated_at' - 'version')::text AS row FROM ${table} t
        ${table.endsWith('_day_totals') ? "WHERE EXISTS (SELECT 1 FROM jsonb_each(to_jsonb(t) - 'org_id' - 'day_ms') c WHERE c.value <> '0')" : ''}
        ORDER BY ${weeks ? 't.org_id, t.subject_id, t.week_ms' : '1'}`,
    );
    const texts = rows.map((r) => r.row);
    tables.set(table, weeks ? byIsoWeek(texts).sort() : texts);
  }
  return tables;
}

/** Week rows (in key order) merged per subject and ISO week: the first one's start, every fact, any flag. */
function byIsoWeek(rows: readonly string[]): string[] {
  const merged: Record<string, unknown>[] = [];
  for (const text of rows) {
    const row = JSON.parse(text) as Record<string, unknown>;
    const last = merged.at(-1);
    if (
      last !== undefined &&
      last.org_id === row.org_id &&
      last.subject_id === row.subject_id &&
      isoWeekStart(Number(last.week_ms)) === isoWeekStart(Number(row.week_ms))
    ) {
      last.facts = [...(last.facts as unknown[]), ...(row.facts as unknown[])];
      last.covers_until_ms = row.covers_until_ms;
      for (const [key, value] of Object.entries(row))
        if (typeof value === 'boolean') last[key] = last[key] === true || value;
    } else merged.push(row); // a week's first row starts on its Monday: a row that did not would differ
  }
  // keys stay in jsonb's own order, the same for both sides
  return merged.map((row) => JSON.stringify(row));
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

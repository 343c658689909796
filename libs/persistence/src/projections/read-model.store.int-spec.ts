import { randomUUID } from 'node:crypto';
import { READ_MODELS } from '@orgpulse/domain';
import { testEnvironment } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { type HeadRow, ReadModelStore, type WeekRow } from './read-model.store';

const SUBJECTS = 80; // past COPY_AT_LEAST, so that the COPY store copies every batch
const WEEK = 7 * 86_400_000;
const START = Date.UTC(2026, 0, 5);

/** Facts as opaque JSON with what COPY's text format escapes in it. */
const factsOf = (i: number, from: number) =>
  Array.from({ length: 3 }, (_, k) => ({
    at: from + k * 3_600_000,
    position: i * 10 + k,
    data: { n: i, note: `a\\b\tc\nd\r "q" \\N ${k}`, list: [k, null, true] },
  }));

/**
 * Every write of every registered read model stores the same rows whether its batches go by JSON or by
 * COPY (BatchRows): heads inserted then updated, weeks created then appended to then replaced, links,
 * per-day totals added twice.
 */
describe('read-model writes by JSON and by COPY store the same rows (PostgreSQL)', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
  });
  afterAll(() => db.destroy());

  const write = async (store: ReadModelStore, orgId: string) => {
    const model = store.model;
    const ids = Array.from({ length: SUBJECTS }, (_, i) => `subject-${i}`);
    const heads = (version: number): HeadRow[] =>
      ids.map((subjectId, i) => ({
        orgId,
        subjectId,
        state: model.initial(subjectId),
        lastAt: START + i * 1_000 + version,
        lastPosition: i + version,
        version,
      }));
    const weeks = (at: number, from: number): WeekRow[] =>
      ids.map((subjectId, i) => ({
        orgId,
        subjectId,
        week: at,
        start: model.initial(subjectId),
        facts: factsOf(i, from),
        coversUntil: i % 2 === 0 ? null : at + WEEK,
      }));
    await db.transaction(async (tx) => {
      await store.upsertHeads(tx, heads(1));
      await store.appendWeeks(tx, weeks(START, START), 1);
      await store.insertLinks(
        tx,
        ids.map((subjectId, i) => ({ orgId, subjectId, linkId: `link-${i % 7}` })),
      );
      await store.addTotals(
        tx,
        ids.map((_, i) => ({
          orgId,
          day: START + i * 86_400_000,
          values: (model.totals?.columns ?? []).map((_, c) => BigInt(i * 1_000 + c) - 500n),
        })),
      );
    });
    await db.transaction(async (tx) => {
      await store.upsertHeads(tx, heads(2));
      await store.appendWeeks(tx, weeks(START, START + 86_400_000), 2); // appended to the week
      await store.replaceWeeks(tx, weeks(START + WEEK, START + WEEK), 2);
      await store.addTotals(
        tx,
        ids.map((_, i) => ({
          orgId,
          day: START + i * 86_400_000,
          values: (model.totals?.columns ?? []).map(() => 7n),
        })),
      );
    });
  };

  const rowsOf = async (table: string | undefined, orgId: string) => {
    if (table === undefined) return [];
    const rows: Record<string, unknown>[] = await db.query(
      `SELECT to_jsonb(t) - 'org_id' - 'updated_at' AS row FROM ${table} t WHERE org_id = $1 ORDER BY 1`,
      [orgId],
    );
    return rows.map((r) => r.row);
  };

  it.each(READ_MODELS.map((m) => [m.name, m] as const))('%s', async (_name, model) => {
    const [byJson, byCopy] = [randomUUID(), randomUUID()];
    await write(new ReadModelStore(model, '', Infinity), byJson);
    await write(new ReadModelStore(model, '', 0), byCopy);
    const { head, weeks, links, totals } = new ReadModelStore(model).tables;
    for (const table of [head, weeks, links, totals]) {
      const json = await rowsOf(table, byJson);
      if (table !== undefined) expect(json.length).toBeGreaterThan(0);
      expect(await rowsOf(table, byCopy)).toEqual(json);
    }
  });
});

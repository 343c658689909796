import { testEnvironment } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { BatchRows, prepareBatchTables } from './batch-rows';
import { connectDatabase } from './connect-database';
import type { CopyValue } from './copy-rows';

const COLUMNS = [
  ['id', 'int'],
  ['org_id', 'uuid'],
  ['name', 'text'],
  ['data', 'jsonb'],
  ['at_ms', 'bigint'],
  ['flag', 'boolean'],
  ['total', 'numeric'],
  ['at', 'timestamptz'],
] as const;

const AWKWARD = 'a\\b\tc\nd\re "q" \\N \\\\t ünï 🚀 \u2028 end\\';

/** Rows of every type, with what COPY's text format and JSON both escape, and nulls. */
const rows = (n: number, from = 0): CopyValue[][] =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return [
      i,
      '7f1d3c1e-3c5a-4b7e-9a51-0c3a4f1e2d10',
      i % 3 === 0 ? null : `${AWKWARD} ${i}`,
      JSON.stringify({ i, note: AWKWARD, list: [1, 'x\\y', null, true], nested: { deep: 'tab\there' } }),
      1_767_225_600_000 + i,
      i % 2 === 0,
      (10n ** 20n + BigInt(i)).toString(),
      i % 4 === 0 ? null : '2026-12-05T23:59:59.123Z',
    ];
  });

describe('a batch of rows as one statement, by JSON or by COPY (PostgreSQL)', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
    await db.query(
      `DROP TABLE IF EXISTS batch_rows_target;
       CREATE TABLE batch_rows_target (id int PRIMARY KEY, org_id uuid, name text, data jsonb, at_ms bigint,
                                       flag boolean, total numeric, at timestamptz)`,
    );
  });
  afterAll(async () => {
    await db.query('DROP TABLE IF EXISTS batch_rows_target');
    await db.destroy();
  });
  beforeEach(() => db.query('TRUNCATE batch_rows_target'));

  const insert = (from: string) =>
    `INSERT INTO batch_rows_target SELECT id, org_id, name, data, at_ms, flag, total, at FROM ${from}
     ON CONFLICT (id) DO NOTHING RETURNING id`;
  const stored = () =>
    db.query(
      `SELECT id, org_id, name, data::text AS data, at_ms::text AS at_ms, flag, total::text AS total,
              to_json(at) #>> '{}' AS at
         FROM batch_rows_target ORDER BY id`,
    );

  it.each([
    ['JSON', Infinity],
    ['COPY', 0],
  ])('by %s, stores every value as its type reads it, in the order given', async (_how, copyAtLeast) => {
    const batch = new BatchRows('batch_rows_target_batch', COLUMNS, copyAtLeast);
    const given = rows(200);
    const returned = await db.transaction(async (tx) => {
      const { sql, params } = await batch.statement(tx, given, insert);
      return tx.query<{ id: number }[]>(sql, params);
    });
    expect(returned.map((r) => r.id)).toEqual(given.map((r) => r[0]));
    // the same rows through literal parameters, PostgreSQL's own reading of each value
    await db.query(`DROP TABLE IF EXISTS batch_rows_expected;
                    CREATE TABLE batch_rows_expected (LIKE batch_rows_target)`);
    for (const row of given)
      await db.query(
        `INSERT INTO batch_rows_expected VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)`,
        row as unknown[],
      );
    const expected: unknown[] = await db.query(
      `SELECT id, org_id, name, data::text AS data, at_ms::text AS at_ms, flag, total::text AS total,
              to_json(at) #>> '{}' AS at
         FROM batch_rows_expected ORDER BY id`,
    );
    await db.query('DROP TABLE batch_rows_expected');
    expect(await stored()).toEqual(expected);
  });

  it('by either, gives the same rows: the JSON way below the size, COPY from it', async () => {
    const batch = new BatchRows('batch_rows_target_batch', COLUMNS, 50);
    const small = await batch.statement(db.manager, rows(49), insert);
    expect(small.params).toHaveLength(1); // JSON: no transaction needed
    await db.query(small.sql, small.params);
    const byJson = await stored();
    await db.query('TRUNCATE batch_rows_target');
    await db.transaction(async (tx) => {
      const { sql, params } = await new BatchRows('batch_rows_target_batch', COLUMNS, 0).statement(
        tx,
        rows(49),
        insert,
      );
      expect(params).toEqual([]);
      await tx.query(sql, params);
    });
    expect(await stored()).toEqual(byJson);
  });

  it('by COPY, keeps a first of two rows with one key, and starts each batch of a transaction empty', async () => {
    const batch = new BatchRows('batch_rows_target_batch', COLUMNS, 0);
    const [first, second] = await db.transaction(async (tx) => {
      const run = async (given: CopyValue[][]) => {
        const { sql, params } = await batch.statement(tx, given, insert);
        return (await tx.query<{ id: number }[]>(sql, params)).map((r) => r.id);
      };
      const duplicate = rows(1, 5)[0].map((v, i) => (i === 2 ? 'the second' : v));
      return [await run([...rows(3, 4), duplicate]), await run(rows(2, 7))];
    });
    expect(first).toEqual([4, 5, 6]);
    expect(second).toEqual([7, 8]);
    const names = ((await stored()) as { id: number; name: string | null }[]).map((r) => r.name);
    expect(names).not.toContain('the second');
  });

  it("prepared at a transaction's start, COPYs with no statement of its own before; after a prepared transaction rolled back, the next ones, prepared or not, make the table before they COPY", async () => {
    // a table name of this test alone: the connection may hold the others' already
    const batch = new BatchRows('batch_rows_prepared_batch', COLUMNS, 0);
    const sentIn = async (prepare: boolean, fail = false) => {
      const sent: string[] = [];
      await db
        .transaction(async (tx) => {
          const recording = new Proxy(tx, {
            get: (target, key, receiver) =>
              key === 'query'
                ? (sql: string, params?: unknown[]) => {
                    sent.push(sql);
                    return target.query(sql, params);
                  }
                : (Reflect.get(target, key, receiver) as unknown),
          });
          if (prepare) await prepareBatchTables(recording, [batch], ['SELECT 1']);
          const { sql, params } = await batch.statement(recording, rows(3), insert);
          await recording.query(sql, params);
          if (fail) throw new Error('rolled back');
        })
        .catch((error: Error) => expect(error.message).toBe('rolled back'));
      return sent.map((sql) => (sql.includes('CREATE TEMP TABLE') ? 'make' : sql.split(/\s/)[0]));
    };
    expect(await sentIn(true, true)).toEqual(['make', 'WITH']);
    expect(await sentIn(false)).toEqual(['make', 'WITH']);
    expect(await sentIn(true)).toEqual(['make', 'WITH']);
    await expect(prepareBatchTables(db.manager, [batch])).rejects.toThrow('prepared in a transaction');
  });

  it('outside a transaction, goes by JSON whatever the size (COPYed rows would be gone at once)', async () => {
    const batch = new BatchRows('batch_rows_target_batch', COLUMNS, 0);
    const { sql, params } = await batch.statement(db.manager, rows(100), insert);
    expect(params).toHaveLength(1);
    expect(await db.query(sql, params)).toHaveLength(100);
  });

  it('by COPY, fails with the error PostgreSQL raises mid-stream while chunks are queued, without crashing, and the connection serves on', async () => {
    const batch = new BatchRows('batch_rows_target_batch', COLUMNS, 0);
    const pad = 'x'.repeat(2_000);
    // megabytes of rows, the refused value early: PostgreSQL answers while the rest is still queued
    const big = rows(20_000).map((row, i) =>
      row.map((v, c) => (c === 2 ? pad : c === 1 && i === 300 ? 'bad' : v)),
    );
    await expect(
      db.transaction(async (tx) => {
        const { sql, params } = await batch.statement(tx, big, insert);
        await tx.query(sql, params);
      }),
    ).rejects.toThrow(/invalid input syntax for type uuid: "bad"/);
    // every pooled connection (the failed one among them) still copies and commits
    await Promise.all(
      Array.from({ length: 4 }, (_, k) =>
        db.transaction(async (tx) => {
          const { sql, params } = await batch.statement(tx, rows(100, 1_000 * (k + 1)), insert);
          await tx.query(sql, params);
        }),
      ),
    );
    expect(await stored()).toHaveLength(400);
  });

  it('by COPY, reports a value its type refuses, with where it is, and the transaction fails', async () => {
    const batch = new BatchRows('batch_rows_target_batch', COLUMNS, 0);
    const bad = rows(3);
    bad[1][1] = 'not-a-uuid';
    await expect(
      db.transaction(async (tx) => {
        const { sql, params } = await batch.statement(tx, bad, insert);
        await tx.query(sql, params);
      }),
    ).rejects.toThrow(/invalid input syntax for type uuid: "not-a-uuid"/);
    expect(await stored()).toEqual([]);
  });
});

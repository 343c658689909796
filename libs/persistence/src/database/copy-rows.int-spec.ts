import { randomUUID } from 'node:crypto';
import { TcpProxy, eventually, testEnvironment } from '@orgpulse/testing';
import { Client } from 'pg';
import { OpenCopies } from './copy-rows';

describe('OpenCopies (real PostgreSQL)', () => {
  jest.setTimeout(60_000);
  const url = new URL(testEnvironment().databaseUrl);
  let proxy: TcpProxy;
  let admin: Client;
  const tables = { a: `copy_a_${randomUUID().slice(0, 8)}`, b: `copy_b_${randomUUID().slice(0, 8)}` };
  const connect = async () => {
    const through = new URL(url);
    through.host = `127.0.0.1:${proxy.port}`;
    const client = new Client({ connectionString: through.toString(), application_name: 'open-copies-test' });
    await client.connect();
    return client;
  };
  const rowsOf = async (table: string) =>
    (await admin.query<{ n: number; note: string | null }>(`SELECT n, note FROM ${table} ORDER BY n`)).rows;
  const copyStatements = (mark: number[]) =>
    proxy.pgStatementsSince(mark).filter((s) => s.startsWith('COPY'));

  beforeAll(async () => {
    proxy = await TcpProxy.start(url.hostname, Number(url.port || 5432));
    admin = new Client({ connectionString: url.toString() });
    await admin.connect();
    for (const table of Object.values(tables))
      await admin.query(`CREATE TABLE ${table} (n int PRIMARY KEY, note text)`);
  });
  afterAll(async () => {
    for (const table of Object.values(tables)) await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await admin.end();
    await proxy.close();
  });
  beforeEach(() => admin.query(`TRUNCATE ${tables.a}, ${tables.b}`));

  it('writes batch after batch to each table through one COPY, escapes what text format gives meaning, commits at end', async () => {
    const mark = proxy.pgStatementMark();
    const copies = new OpenCopies(connect);
    for (let batch = 0; batch < 5; batch++) {
      await copies.write(tables.a, ['n', 'note'], [[batch, `tab\there, line\nbreak, back\\slash ${batch}`]]);
      await copies.write(tables.b, ['n', 'note'], [[batch, null]]);
    }
    await copies.end();
    expect(copyStatements(mark)).toEqual([
      `COPY ${tables.a} (n, note) FROM STDIN`,
      `COPY ${tables.b} (n, note) FROM STDIN`,
    ]);
    expect((await rowsOf(tables.a)).map((r) => r.note)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `tab\there, line\nbreak, back\\slash ${i}`),
    );
    expect(await rowsOf(tables.b)).toEqual([0, 1, 2, 3, 4].map((n) => ({ n, note: null })));
  });

  it('keeps a COPY open past the statement timeout its connections were given', async () => {
    const timed = async () => {
      const client = new Client({ connectionString: url.toString(), statement_timeout: 1 });
      await client.connect();
      return client;
    };
    const copies = new OpenCopies(timed);
    await copies.write(tables.a, ['n', 'note'], [[1, 'before']]);
    await admin.query('SELECT pg_sleep(0.05)'); // the COPY is open for 50 times its connection's timeout
    await copies.write(tables.a, ['n', 'note'], [[2, 'after']]);
    await copies.end();
    expect((await rowsOf(tables.a)).map((r) => r.n)).toEqual([1, 2]);
  });

  it("fails with PostgreSQL's error raised mid-stream while chunks are queued, without crashing, and abort then closes all", async () => {
    const failing = `copy_fail_${randomUUID().slice(0, 8)}`;
    await admin.query(`CREATE FUNCTION ${failing}_check(n int) RETURNS bool AS $$
      BEGIN PERFORM pg_sleep(0.0002); IF n = 3000 THEN RAISE EXCEPTION 'refused at %', n; END IF; RETURN true; END
      $$ LANGUAGE plpgsql`);
    await admin.query(`CREATE TABLE ${failing} (n int PRIMARY KEY CHECK (${failing}_check(n)), note text)`);
    try {
      const direct = async () => {
        const client = new Client({ connectionString: url.toString(), application_name: 'open-copies-test' });
        await client.connect();
        return client;
      };
      const copies = new OpenCopies(direct);
      const pad = 'x'.repeat(3_000);
      // small writes (each under the stream's buffer size) while PostgreSQL checks rows slowly: the
      // socket backs up and chunks queue in the stream when the error comes
      const writing = (async () => {
        for (let n = 0; n < 20_000; n++) await copies.write(failing, ['n', 'note'], [[n, pad]]);
        await copies.end();
      })();
      await expect(writing).rejects.toThrow(/refused at 3000/);
      await copies.abort(new Error('the caller gave up'));
      expect((await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${failing}`)).rows[0].n).toBe(
        0,
      );
      await expectNoConnectionLeft();
    } finally {
      await admin.query(`DROP TABLE IF EXISTS ${failing}`);
      await admin.query(`DROP FUNCTION IF EXISTS ${failing}_check(int)`);
    }
  });

  it("fails with PostgreSQL's error when a row is refused, and closes its connections", async () => {
    const copies = new OpenCopies(connect);
    await copies.write(tables.a, ['n', 'note'], [[1, 'first']]);
    await copies.write(tables.a, ['n', 'note'], [[1, 'the same key again']]);
    await expect(copies.end()).rejects.toThrow(/duplicate key/);
    expect(await rowsOf(tables.a)).toEqual([]);
    await expectNoConnectionLeft();
  });

  it('abort fails every open COPY: none of its rows is committed, no connection is left', async () => {
    const copies = new OpenCopies(connect);
    await copies.write(tables.a, ['n', 'note'], [[1, 'a']]);
    await copies.write(tables.b, ['n', 'note'], [[1, 'b']]);
    // both COPYs are under way in PostgreSQL when abort comes
    await eventually(async () => {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE application_name = 'open-copies-test' AND query LIKE 'COPY %' AND state = 'active'`,
      );
      expect(rows[0].n).toBe(2);
    });
    await copies.abort(new Error('the caller failed'));
    expect(await rowsOf(tables.a)).toEqual([]);
    expect(await rowsOf(tables.b)).toEqual([]);
    await expectNoConnectionLeft();
  });

  const expectNoConnectionLeft = () =>
    eventually(async () => {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'open-copies-test'`,
      );
      expect(rows[0].n).toBe(0);
    });
});

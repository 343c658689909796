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

  it('ends a COPY and begins another past its statement size, losing no row', async () => {
    const mark = proxy.pgStatementMark();
    const copies = new OpenCopies(connect, 1);
    for (let n = 0; n < 4; n++) await copies.write(tables.a, ['n', 'note'], [[n, 'x']]);
    await copies.end();
    expect(copyStatements(mark)).toHaveLength(4);
    expect((await rowsOf(tables.a)).map((r) => r.n)).toEqual([0, 1, 2, 3]);
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

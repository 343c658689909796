import { randomUUID } from 'node:crypto';
import { type AcceptedEvent, subjectOf } from '@orgpulse/contracts';
import { TcpProxy, eventually, readModelsVersusFold, testEnvironment } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { EventStoreRepository } from '../event-store/event-store.repository';
import { holdProjectionLockShared } from './projection-lock';
import { ProjectionEngine } from './projection-engine';
import { rebuildProjections } from './rebuild-projections';
import { Client } from 'pg';
import { NOTIFY_CHANNELS } from '../database/notify-channels';
import { parseProjectionNotice } from './projection-notice';

const registered = (orgId: string, teamId: string, day = '2026-11-02'): AcceptedEvent => ({
  id: `${teamId}-registered`,
  type: 'team.registered',
  version: 1,
  orgId,
  occurredAt: `${day}T09:00:00.000Z`,
  ingestedAt: `${day}T09:00:01.000Z`,
  data: { teamId, name: teamId, headcount: 4 },
});

describe('rebuild (real PostgreSQL)', () => {
  jest.setTimeout(60_000);
  let db: DataSource;
  const engine = new ProjectionEngine();

  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
  });
  afterAll(() => db.destroy());

  const project = async (tx: DataSource['manager'], event: AcceptedEvent) => {
    await holdProjectionLockShared(tx);
    const appended = await new EventStoreRepository(tx).append([
      { event, subject: `team:${(event.data as { teamId: string }).teamId}`, partition: 0, offset: '0' },
    ]);
    await engine.apply(tx, appended);
  };
  const teamsOf = async (orgId: string) =>
    (
      await db.query<{ team_id: string }[]>(
        `SELECT subject_id AS team_id FROM team_head WHERE org_id = $1 ORDER BY subject_id`,
        [orgId],
      )
    ).map((r) => r.team_id);

  it('misses no event committed before the swap: keeps a batch that drew the smaller position but committed after a later one', async () => {
    const orgId = randomUUID();
    const slow = db.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    try {
      await project(slow.manager, registered(orgId, 'early-position')); // position p, not yet committed
      // another day: a day's org totals row is written by both, and the open batch holds it until it commits
      await db.transaction((tx) => project(tx, registered(orgId, 'late-position', '2026-11-03'))); // position > p, committed

      const rebuilt = rebuildProjections(db);
      // the rebuild now waits for the slow batch (it holds the shared projection lock)
      await eventually(async () => {
        const waiting = await db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
        );
        expect(waiting[0].n).toBeGreaterThan(0);
      });
      await slow.commitTransaction();
      await rebuilt;
    } finally {
      if (slow.isTransactionActive) await slow.rollbackTransaction();
      await slow.release();
    }
    expect(await teamsOf(orgId)).toEqual(['early-position', 'late-position']);
  });

  const historyOfMany = (orgId: string): AcceptedEvent[] => {
    const base = Date.parse('2026-01-05T00:00:00Z');
    const event = (i: number, type: AcceptedEvent['type'], data: object): AcceptedEvent =>
      ({
        id: `h${i}`,
        type,
        version: 1,
        orgId,
        // 9 hours apart: about 19 events a week, so weeks and subjects straddle pages of 16
        occurredAt: new Date(base + i * 9 * 3_600_000).toISOString(),
        ingestedAt: '2026-01-05T00:00:00.000Z',
        data,
      }) as AcceptedEvent;
    const events = Array.from({ length: 600 }, (_, i) =>
      i % 3 === 0
        ? event(i, i % 9 === 0 ? 'team.blocked' : 'team.unblocked', { teamId: 'alpha', reason: 'dependency' })
        : i % 3 === 1
          ? event(i, 'one-on-one.held', {
              managerId: 'mia',
              reportId: `p${i % 7}`,
              ratings: [{ competency: 'delivery', level: 1 + (i % 5) }],
            })
          : event(i, 'person.manager-changed', { personId: 'ana', managerId: i % 4 ? 'mia' : 'max' }),
    );
    return events;
  };

  it('rebuilds subjects whose histories span many pages as a fold of the whole history says', async () => {
    const orgId = randomUUID();
    const events = historyOfMany(orgId);
    // stored in reverse: positions against occurrence, as a backfill's late events are
    await db.transaction((tx) =>
      new EventStoreRepository(tx).append(
        events
          .reverse()
          .map((e, i) => ({ event: e, subject: subjectOf(e), partition: 0, offset: String(i) })),
      ),
    );
    await rebuildProjections(db, undefined, 16);
    const { stored, folded } = await readModelsVersusFold(
      { query: (sql, params) => db.query(sql, params) },
      orgId,
    );
    expect(stored).toEqual(folded);
  });

  it('reads the store through one cursor and writes each table with one COPY whatever the pages', async () => {
    const orgId = randomUUID();
    const events = historyOfMany(orgId);
    await db.transaction((tx) =>
      new EventStoreRepository(tx).append(
        events.map((e, i) => ({ event: e, subject: subjectOf(e), partition: 0, offset: String(i) })),
      ),
    );
    const url = new URL(testEnvironment().databaseUrl);
    const proxy = await TcpProxy.start(url.hostname, Number(url.port || 5432));
    url.host = `127.0.0.1:${proxy.port}`;
    const proxied = await connectDatabase({ url: url.toString(), startupTimeoutMs: 5_000 });
    try {
      const mark = proxy.pgStatementMark();
      await rebuildProjections(proxied, undefined, 16);
      const sent = proxy.pgStatementsSince(mark);
      const copies = sent.filter((s) => s.startsWith('COPY '));
      // heads, weeks and links of the models this history feeds, each table once
      expect(copies.length).toBe(new Set(copies).size);
      expect(copies).toEqual(expect.arrayContaining([expect.stringMatching(/^COPY team_weeks_rebuild /)]));
      expect(sent.filter((s) => s.startsWith('DECLARE store_in_order'))).toHaveLength(1);
      expect(sent.filter((s) => s.startsWith('FETCH FORWARD 16')).length).toBeGreaterThan(600 / 16);
    } finally {
      await proxied.destroy();
      await proxy.close();
    }
    const { stored, folded } = await readModelsVersusFold(
      { query: (sql, params) => db.query(sql, params) },
      orgId,
    );
    expect(stored).toEqual(folded);
  });

  it('swaps in tables with statistics, so their first readers get plans for their real sizes', async () => {
    await db.transaction((tx) => project(tx, registered(randomUUID(), 'analyzed')));
    await rebuildProjections(db);
    // reltuples -1: never analyzed (nor vacuumed); pg_class is transactional, unlike the statistics views
    const unanalyzed = await db.query<{ table: string }[]>(
      `SELECT relname AS table FROM pg_class WHERE relname = ANY($1::text[]) AND reltuples < 0`,
      [engine.tables],
    );
    expect(unanalyzed).toEqual([]);

    // statistics of every column but the JSON documents: no query filters on them, and computing theirs
    // was most of ANALYZE's time
    const columns = await db.query<{ table: string; column: string; json: boolean; sampled: boolean }[]>(
      `SELECT c.relname AS table, a.attname AS column, a.atttypid = 'jsonb'::regtype AS json,
              EXISTS (SELECT 1 FROM pg_stats s WHERE s.tablename = c.relname AND s.attname = a.attname) AS sampled
         FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE c.relname IN ('team_head', 'team_weeks') AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`,
    );
    const named = (json: boolean, sampled: boolean) =>
      columns
        .filter((c) => c.json === json && c.sampled === sampled)
        .map((c) => `${c.table}.${c.column}`)
        .sort();
    expect(named(true, true)).toEqual([]);
    expect(named(true, false)).toEqual(['team_head.state', 'team_weeks.facts', 'team_weeks.start_state']);
    expect(named(false, false)).toEqual([]);
    expect(named(false, true)).toContain('team_weeks.week_ms');
  });

  it("tells every org's readers at the swap that its read models changed (a projection notice each)", async () => {
    const orgId = randomUUID();
    await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'rebuilt')`, [orgId]);
    await db.transaction((tx) => project(tx, registered(orgId, 'noticed')));
    const listener = new Client({ connectionString: testEnvironment().databaseUrl });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', ({ channel, payload }) => {
      if (channel === NOTIFY_CHANNELS.projections) heard.push(parseProjectionNotice(payload ?? '').orgId);
    });
    try {
      await listener.query(`LISTEN ${NOTIFY_CHANNELS.projections}`);
      await rebuildProjections(db);
      await eventually(() => expect(heard).toContain(orgId), { timeoutMs: 5_000 });
    } finally {
      await listener.end();
    }
  });
});

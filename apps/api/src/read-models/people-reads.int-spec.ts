import { randomUUID } from 'node:crypto';
import type { AcceptedEvent } from '@orgpulse/contracts';
import { DAY_MS } from '@orgpulse/domain';
import { OrgSizesRepository, type Queryable, connectDatabase } from '@orgpulse/persistence';
import { testEnvironment } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { projectInBatches } from './project-events.test-support';
import { PeopleReads } from './people-reads';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const at = (days: number) => NOW - days * DAY_MS;
const THEN = at(10);

describe("a manager's reports as people: their heads read with the reporting lines (real PostgreSQL)", () => {
  let db: DataSource;
  const orgId = randomUUID();
  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
    const drafts: [string, number, Record<string, unknown>][] = [
      ['person.registered', at(60), { personId: 'm1', name: 'Mia', role: 'engineering-manager' }],
      ['person.registered', at(60), { personId: 'm2', name: 'Max', role: 'engineering-manager' }],
      ['person.registered', at(60), { personId: 'p1', name: 'Pia', role: 'engineer', managerId: 'm1' }],
      ['person.registered', at(60), { personId: 'p2', name: 'Paz', role: 'engineer', managerId: 'm1' }],
      ['person.registered', at(60), { personId: 'p3', name: 'Pol', role: 'engineer', managerId: 'm2' }],
      // after THEN: p2 moves to m2, p3 to m1, and p4 joins m1
      ['person.manager-changed', at(5), { personId: 'p2', managerId: 'm2' }],
      ['person.manager-changed', at(5), { personId: 'p3', managerId: 'm1' }],
      ['person.registered', at(4), { personId: 'p4', name: 'Pam', role: 'designer', managerId: 'm1' }],
      // q names eight managers over time, none of them registered; h1 is known only by a 1:1
      ...Array.from({ length: 8 }, (_, i): [string, number, Record<string, unknown>] => [
        'person.registered',
        at(40 - i),
        { personId: 'q', role: 'engineer', managerId: `x${i + 1}` },
      ]),
      ['one-on-one.held', at(3), { managerId: 'h1', reportId: 'p1' }],
    ];
    await projectInBatches(
      db,
      drafts.map(
        ([type, occurredAt, data], i) =>
          ({
            id: `e${i}`,
            type,
            version: 1,
            orgId,
            occurredAt: new Date(occurredAt).toISOString(),
            ingestedAt: new Date(NOW).toISOString(),
            data,
          }) as AcceptedEvent,
      ),
    );
  });
  afterAll(() => db.destroy());

  /** Reads through a connection that counts the statements sent. */
  const counted = () => {
    const sent: string[] = [];
    const queryable: Queryable = {
      query: (sql: string, params?: unknown[]) => {
        sent.push(sql);
        return db.query(sql, params);
      },
    };
    return { reads: new PeopleReads(queryable, orgId), sent };
  };

  it.each([
    ['now', NOW, { m1: ['p1', 'p3', 'p4'], m2: ['p2'] }],
    ['before the moves', THEN, { m1: ['p1', 'p2'], m2: ['p3'] }],
  ])(
    'given reporting lines that moved, when the reports of both managers are asked %s, then each comes as a person with their head, as reportsOf and the heads say',
    async (_when, t, expected) => {
      const { reads } = counted();
      const [m1, m2] = await Promise.all([reads.reportHeadsOf('m1', t), reads.reportHeadsOf('m2', t)]);
      expect({ m1: m1.map((v) => v.subjectId), m2: m2.map((v) => v.subjectId) }).toEqual(expected);
      const alone = counted().reads;
      for (const [manager, views] of [
        ['m1', m1],
        ['m2', m2],
      ] as const) {
        expect(views.map((v) => v.subjectId)).toEqual(await alone.reportsOf(manager, t));
        for (const view of views) expect(view).toEqual(await alone.heads.load(view.subjectId));
      }
      expect(m1.find((v) => v.subjectId === 'p1')?.state).toMatchObject({ name: 'Pia', role: 'engineer' });
    },
  );

  it('given a page of managers, when their reports are asked as people, then no statement reads the reports’ heads by id, and the heads and lines read serve the request (their reportsOf too)', async () => {
    const { reads, sent } = counted();
    const [m1, m2, none, unknown] = await Promise.all([
      reads.reportHeadsOf('m1', THEN),
      reads.reportHeadsOf('m2', THEN),
      reads.reportHeadsOf('p1', THEN),
      reads.reportHeadsOf('nobody', THEN),
    ]);
    expect([none, unknown]).toEqual([[], []]);
    // the reporting lines with their heads, the people changed since THEN, and those people's weeks
    expect(sent).toHaveLength(3);
    expect(sent.filter((sql) => /subject_id (= ANY|IN \(SELECT unnest)/.test(sql))).toEqual([]);
    for (const view of [...m1, ...m2]) expect(await reads.heads.load(view.subjectId)).toBe(view);
    expect(sent).toHaveLength(3);
    // their figures (span, 1:1s, subtree, coaching) ask reportsOf: the same lines, not read again
    expect(await Promise.all([reads.reportsOf('m1', THEN), reads.reportsOf('m2', THEN)])).toEqual([
      ['p1', 'p2'],
      ['p3'],
    ]);
    expect(sent).toHaveLength(3);
    expect(await reads.reportsOf('m1', NOW)).toEqual(['p1', 'p3', 'p4']); // another time: its own read
    expect(sent.length).toBeGreaterThan(3);
  });

  it('given managers named by people and managers holding 1:1s, then they are paged and counted as one list, and the org sizes the cost model uses bound them', async () => {
    const reads = new PeopleReads(db, orgId);
    const first = await reads.managerIds(4, undefined);
    const rest = await reads.managerIds(100, first.at(-1));
    const every = ['h1', 'm1', 'm2', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8'];
    expect([...first, ...rest]).toEqual(every);
    expect(await reads.countManagers()).toBe(every.length);
    // seven people, one manager with 1:1s: a bound of people plus those would cost a page of 11 as 8
    const sizes = await new OrgSizesRepository(db).peopleCounts(orgId);
    expect(sizes.people).toBe(7);
    expect(sizes.managers).toBeGreaterThanOrEqual(every.length);
  });

  it("given a manager's reports read alone first, when their heads are asked after, then reportsOf keeps its first read: one answer a request", async () => {
    const { reads } = counted();
    const first = await reads.reportsOf('m1', THEN);
    await reads.reportHeadsOf('m1', THEN);
    expect(await reads.reportsOf('m1', THEN)).toBe(first);
  });
});

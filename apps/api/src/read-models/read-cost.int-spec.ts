import { randomUUID } from 'node:crypto';
import type { AcceptedEvent } from '@orgpulse/contracts';
import {
  type AnyReadModel,
  type RatingFact,
  WEEK_MS,
  managerReadModel,
  ratingReadModel,
  teamReadModel,
} from '@orgpulse/domain';
import {
  ReadModelReader,
  connectDatabase,
  countFactsOf,
  recordReadModelVersions,
} from '@orgpulse/persistence';
import {
  type MeasuredStatement,
  TestDatabase,
  acceptedEventBuilder,
  measureStatements,
  projectEvents,
} from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { PeopleReads } from './people-reads';
import { TeamReads } from './team-reads';

const START = Date.parse('2026-01-05T00:00:00Z'); // a Monday
const WEEKS = 30;
const SUBJECTS = 150;
const PEOPLE = 2_000;

const rowsOf = (statements: readonly MeasuredStatement[]) =>
  statements.reduce((n, s) => n + s.rowsTouched, 0);

/**
 * Issue 20: a read of a few subjects' weeks touches those weeks, not the org's, whatever PostgreSQL
 * knows of the tables: fresh ones (as after a rebuild, never analyzed) as well as analyzed ones.
 * Shown with the rows each plan touched (EXPLAIN ANALYZE), never with timings.
 */
describe('a read of weeks costs the subjects and weeks asked, not the org', () => {
  jest.setTimeout(180_000);
  let testDb: TestDatabase;
  let db: DataSource;
  const orgId = randomUUID();

  beforeAll(async () => {
    testDb = await TestDatabase.create('readcost');
    db = await connectDatabase({ url: testDb.url, startupTimeoutMs: 5_000 });
    await recordReadModelVersions(db.manager);
    await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'weeks')`, [orgId]);
    const build = acceptedEventBuilder();
    const event = (type: AcceptedEvent['type'], at: number, data: Record<string, unknown>) =>
      build(orgId, type, at, data);
    // every team and manager has a fact in each of WEEKS weeks
    const events = Array.from({ length: WEEKS }, (_, w) =>
      Array.from({ length: SUBJECTS }, (_, i) => [
        event('discovery.interview-held', START + w * WEEK_MS + 3_600_000, { teamId: `t${i}` }),
        event('one-on-one.held', START + w * WEEK_MS + 3_600_000, { managerId: `m${i}`, reportId: `p${i}` }),
      ]).flat(),
    ).flat();
    // PEOPLE ever reported to boss: most moved to another manager long ago, ten after week 30, ten stayed
    const person = (i: number) => `q${String(i).padStart(4, '0')}`;
    events.push(
      ...Array.from({ length: PEOPLE }, (_, i) =>
        event('person.registered', START, { personId: person(i), role: 'engineer', managerId: 'boss' }),
      ),
      ...Array.from({ length: PEOPLE - 10 }, (_, i) =>
        event('person.manager-changed', START + (i < PEOPLE - 20 ? 2 : 40) * WEEK_MS, {
          personId: person(i),
          managerId: 'other',
        }),
      ),
    );
    // below vp at week 30: dir (e1, e2, and e3 who left dir2 at week 10), dir2 (no one since), e4 (whose
    // only report came at week 31); dir met e1 two days before week 30
    events.push(
      event('person.registered', START, { personId: 'dir', role: 'director', managerId: 'vp' }),
      event('person.registered', START, { personId: 'dir2', role: 'director', managerId: 'vp' }),
      event('person.registered', START, { personId: 'e4', role: 'engineer', managerId: 'vp' }),
      event('person.registered', START, { personId: 'e1', role: 'engineer', managerId: 'dir' }),
      event('person.registered', START, { personId: 'e2', role: 'engineer', managerId: 'dir' }),
      event('person.registered', START, { personId: 'e3', role: 'engineer', managerId: 'dir2' }),
      event('person.manager-changed', START + 10 * WEEK_MS, { personId: 'e3', managerId: 'dir' }),
      event('person.registered', START + 31 * WEEK_MS, { personId: 'e5', role: 'engineer', managerId: 'e4' }),
      event('one-on-one.held', START + 30 * WEEK_MS - 2 * 86_400_000, { managerId: 'dir', reportId: 'e1' }),
    );
    for (let i = 0; i < events.length; i += 1_500) await projectEvents(db, events.slice(i, i + 1_500));
    // late 1:1s deep in m1's history, after everything else arrived: one recorded a level, one did not
    await projectEvents(db, [
      event('one-on-one.held', START + 21 * WEEK_MS + 7_200_000, {
        managerId: 'm1',
        reportId: 'p9',
        ratings: [{ competency: 'discovery', level: 3 }],
      }),
      event('one-on-one.held', START + 24 * WEEK_MS + 7_200_000, {
        managerId: 'm1',
        reportId: 'p8',
        ratings: [],
      }),
    ]);
  });
  afterAll(async () => {
    await db.destroy();
    await testDb.drop();
  });

  const weeksRead = async (model: AnyReadModel) => {
    const measured = measureStatements(db);
    const found = await measured.db.transaction((tx) =>
      new ReadModelReader(tx, model).weeksFrom(orgId, ['t1', 'm1', 't2', 'm2'], START + 20 * WEEK_MS + 1),
    );
    return { found, rows: rowsOf(measured.statements) };
  };

  it.each([
    ['never analyzed', false],
    ['analyzed', true],
  ])('tables %s: two subjects asked, their last 10 weeks of 30', async (_, analyze) => {
    if (analyze) await db.query('ANALYZE');
    for (const model of [teamReadModel, managerReadModel]) {
      const { found, rows } = await weeksRead(model);
      const asked = [...found.values()].filter((weeks) => weeks.length > 0);
      expect(asked.map((weeks) => weeks.length)).toEqual([WEEKS - 20, WEEKS - 20]);
      // the org holds SUBJECTS × WEEKS = 4,500 weeks per model; the two asked hold 60
      expect(rows).toBeLessThan(200);
    }
  });

  it("a manager's 1:1s in a window are counted in SQL: every one in the manager model, the rated ones alone in the rating model, rows of the asked only", async () => {
    const [from, to] = [START + 20 * WEEK_MS + 1, START + 25 * WEEK_MS];
    const counts = async (model: AnyReadModel, listKey?: string) => {
      const reader = (tx: DataSource['manager']) => new ReadModelReader(tx, model);
      const weeks = await db.transaction((tx) => reader(tx).weeksFrom(orgId, ['m1', 'm2'], from, to));
      const folded = (id: string) => {
        const facts = (weeks.get(id) ?? []).flatMap((w) => w.facts).filter((f) => f.at >= from && f.at < to);
        return {
          facts: facts.length,
          withItems: facts.filter((f) => ((f.data as Partial<RatingFact>).ratings ?? []).length > 0).length,
        };
      };
      const measured = measureStatements(db);
      const [counted] = await measured.db.transaction((tx) =>
        countFactsOf(tx, [{ reader: reader(tx), listKey }], orgId, ['m1', 'm2', 'nobody'], from, to),
      );
      for (const id of ['m1', 'm2']) expect(counted.get(id)).toEqual(folded(id));
      expect(counted.get('nobody')).toEqual({ facts: 0, withItems: 0 });
      // the org holds SUBJECTS × WEEKS weeks; the two asked, a few weeks each (each counted by a plan node)
      expect(rowsOf(measured.statements)).toBeLessThan(200);
      return counted;
    };
    const held = await counts(managerReadModel);
    expect(held.get('m1')).toEqual({ facts: 7, withItems: 0 });
    expect(held.get('m2')).toEqual({ facts: 5, withItems: 0 });
    // the late 1:1 that recorded a level is the only one the rating model keeps; the one with none is not there
    const rated = await counts(ratingReadModel, 'ratings');
    expect(rated.get('m1')).toEqual({ facts: 1, withItems: 1 });
    expect(rated.get('m2')).toEqual({ facts: 0, withItems: 0 });
    // both in one statement (one snapshot), as the API counts them
    const both = (tx: DataSource['manager']) =>
      countFactsOf(
        tx,
        [
          { reader: new ReadModelReader(tx, managerReadModel) },
          { reader: new ReadModelReader(tx, ratingReadModel), listKey: 'ratings' },
        ],
        orgId,
        ['m1', 'm2', 'nobody'],
        from,
        to,
      );
    const measured = measureStatements(db);
    expect(await measured.db.transaction(both)).toEqual([held, rated]);
    expect(measured.statements).toHaveLength(1);
    // a rating table folded by version 1 also holds 1:1s without a level: they are not counted as rated
    const withUnrated = await db
      .transaction(async (tx) => {
        await tx.query(
          `UPDATE rating_weeks SET facts = facts || jsonb_build_array(jsonb_build_array($2::float8, 0,
                   jsonb_build_object('reportId', 'p1', 'ratings', jsonb_build_array())))
            WHERE org_id = $1 AND subject_id = 'm1'
              AND week_ms = (SELECT max(week_ms) FROM rating_weeks WHERE org_id = $1 AND subject_id = 'm1')`,
          [orgId, from + 1],
        );
        throw Object.assign(new Error('rolled back'), { counted: await both(tx) });
      })
      .catch((error: { counted?: Awaited<ReturnType<typeof both>> }) => error.counted);
    expect(withUnrated?.[1].get('m1')).toEqual({ facts: 2, withItems: 1 });
  });

  it("a manager's reports at t read the people reporting now and those changed after t, not everyone who ever reported", async () => {
    const t = START + 30 * WEEK_MS;
    // as after a rebuild or autovacuum: with no statistics the planner may start from the links instead
    await db.query('ANALYZE person_head, person_links');
    const measured = measureStatements(db);
    const reports = await measured.db.transaction((tx) => new PeopleReads(tx, orgId).reportsOf('boss', t));
    // ten report to boss now; ten moved away after t and still reported to boss then
    expect(reports).toEqual(Array.from({ length: 20 }, (_, i) => `q${PEOPLE - 20 + i}`));
    // boss had PEOPLE reports over time: reading each of them (links, then heads) touches about 2 × PEOPLE rows
    expect(rowsOf(measured.statements)).toBeLessThan(PEOPLE / 10);
  });

  it.each([
    ['boss', { people: 20, managers: 0, oneOnOneCoverage: 0 }, 1],
    ['vp', { people: 6, managers: 1, oneOnOneCoverage: 1 / 6 }, 2],
  ])(
    "%s's subtree reads the reports of those someone ever named as manager, not of everyone below",
    async (root, figures, levelsRead) => {
      const t = START + 30 * WEEK_MS;
      const measured = measureStatements(db);
      const found = await measured.db.transaction((tx) =>
        new PeopleReads(tx, orgId).subtreeFigures(root, t, 14),
      );
      expect(found).toEqual(figures);
      // each level's reports are one read of the manager_id column: boss's level, vp's and the level of
      // dir, dir2 and e4 (each named as a manager once); none for the people below, who never were
      const reportReads = measured.statements.filter((s) => s.sql.includes('manager_id AS value'));
      expect(reportReads).toHaveLength(levelsRead);
    },
  );

  it("teams' weeks with a blocking team are read by team (the org's blocking edges), only the flagged ones, and only the parts asked", async () => {
    const build = acceptedEventBuilder('edges');
    const event = (type: AcceptedEvent['type'], at: number, data: Record<string, unknown>) =>
      build(orgId, type, at, data);
    const TEAMS = 40;
    // every team has an interview each week, and is blocked by the next for a day in each of weeks 21-29
    await projectEvents(db, [
      ...Array.from({ length: WEEKS }, (_, w) =>
        Array.from({ length: TEAMS }, (_, i) => {
          const week = START + w * WEEK_MS;
          return [
            event('discovery.interview-held', week + 3_600_000, { teamId: `e${i}` }),
            ...(w > 20
              ? [
                  event('team.blocked', week + 7_200_000, {
                    teamId: `e${i}`,
                    reason: 'dependency',
                    blockedBy: `e${i + 1}`,
                  }),
                  event('team.unblocked', week + 86_400_000, { teamId: `e${i}` }),
                ]
              : []),
          ];
        }).flat(),
      ).flat(),
    ]);
    // with statistics, as after a rebuild (which analyzes its tables)
    await db.query('ANALYZE team_weeks');
    const measured = measureStatements(db);
    const weeks = await measured.db.transaction((tx) =>
      new ReadModelReader(tx, teamReadModel).flaggedWeeks(
        orgId,
        'blocked_by',
        ['e0', 'e1'],
        START + 20 * WEEK_MS,
        START + WEEKS * WEEK_MS,
        { omitHeadKeys: ['name', 'groupId'], factKinds: ['blocked', 'unblocked'] },
      ),
    );
    const flagged = Array.from({ length: WEEKS - 21 }, (_, k) => 21 + k);
    expect(weeks.map((w) => [w.subjectId, (w.week - START) / WEEK_MS])).toEqual([
      ...flagged.map((w) => ['e0', w]),
      ...flagged.map((w) => ['e1', w]),
    ]);
    expect(weeks[0].facts.map((f) => (f.data as { kind: string }).kind)).toEqual(['blocked', 'unblocked']);
    expect(Object.keys(weeks[0].start as object)).not.toContain('name');
    // the two teams hold 2 × 30 weeks, 18 of them flagged; the org holds 360 flagged weeks
    expect(rowsOf(measured.statements)).toBeLessThan(40);

    // the org's edges over weeks 20-30: each team blocked by the next 22 hours a week, 9 weeks
    const edges = measureStatements(db);
    const pairs = await edges.db.transaction((tx) =>
      new TeamReads(tx, orgId).blockingPairTimes(START + 20 * WEEK_MS, START + WEEKS * WEEK_MS),
    );
    expect(pairs).toHaveLength(TEAMS);
    expect(pairs.find((p) => p.blockedTeamId === 'e0')).toEqual({
      blockingTeamId: 'e1',
      blockedTeamId: 'e0',
      blockedMs: 9 * 22 * 3_600_000,
      personMs: 0,
    });
    // each flagged week read once, its points worked out beside it: not kept whole in a CTE read twice
    const [statement] = edges.statements as [MeasuredStatement];
    expect(statement.nodes.filter((n) => n.endsWith(' team_weeks'))).toHaveLength(1);
    expect(statement.nodes).not.toContain('CTE Scan');
  });
});

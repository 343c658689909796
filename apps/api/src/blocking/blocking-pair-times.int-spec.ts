import { randomUUID } from 'node:crypto';
import type { AcceptedEvent } from '@orgpulse/contracts';
import { DAY_MS, HOUR_MS, blockingEdges, blockingEdgesOf, buildTeamTimeline } from '@orgpulse/domain';
import { connectDatabase } from '@orgpulse/persistence';
import { testEnvironment } from '@orgpulse/testing';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { ApiCache } from '../cache/api-cache';
import { RequestContext } from '../graphql/request-context';
import { projectInBatches } from '../read-models/project-events.test-support';
import { type DataVersions, sharedReadOf } from '../read-models/shared-read';
import { recordingStatements } from '../read-models/statements-sent.test-support';

const TEAMS = ['a', 'b', 'c', 'd'];
const BASE = Date.parse('2026-03-02T00:00:00Z');
const KINDS = [
  'team.registered',
  'team.blocked',
  'team.unblocked',
  'team.archived',
  'delivery.shipped',
] as const;

const draftArb = fc.record({
  kind: fc.constantFrom(...KINDS),
  team: fc.constantFrom(...TEAMS),
  // over five weeks, often at a midnight or a week's start
  minutes: fc.oneof(
    fc.integer({ min: 0, max: 35 * 24 * 60 }),
    fc.integer({ min: 0, max: 35 }).map((day) => day * 24 * 60),
  ),
  headcount: fc.integer({ min: 0, max: 9 }),
  blockedBy: fc.constantFrom(...TEAMS, 'elsewhere', undefined),
});

describe("the org's blocking edges from SQL, a row per pair = the fold of every team's timeline (property, real PostgreSQL)", () => {
  jest.setTimeout(300_000);
  let db: DataSource;
  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
  });
  afterAll(() => db.destroy());
  const cache = new ApiCache({ maxBytes: 8 * 1024 * 1024, maxAgeMs: 60_000 });
  afterAll(() => cache.stop());
  const versions = { version: 1 };
  const dataVersions: DataVersions = { listening: true, epochOf: () => 0, of: () => versions.version };
  /** A request of the org at `now`, with the org's shared reads or without. */
  const contextOf = (orgId: string, now: number, shared: boolean, over: DataSource = db) =>
    new RequestContext(
      { orgId, role: 'viewer', groupId: null },
      over,
      undefined,
      () => now,
      undefined,
      undefined,
      shared ? sharedReadOf(cache, dataVersions, orgId) : undefined,
    );

  it('given any history arriving in any order (late events, events dated after now), then every window gives the same edges, to the last bit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(draftArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 34 * 24 }),
        fc.array(
          fc.tuple(fc.double({ min: -3, max: 36, noNaN: true }), fc.double({ min: 0, max: 40, noNaN: true })),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        async (drafts, batchSizes, nowHour, windows) => {
          const orgId = randomUUID();
          const registered = TEAMS.map((team, i) => ({
            kind: 'team.registered' as const,
            team,
            minutes: 0,
            headcount: 3 + i,
            blockedBy: undefined,
          }));
          const events = [...registered, ...drafts].map(
            (d, i) =>
              ({
                id: `e${i}`,
                type: d.kind,
                version: 1,
                orgId,
                occurredAt: new Date(BASE + d.minutes * 60_000).toISOString(),
                ingestedAt: '2026-04-01T00:00:00.000Z',
                data: {
                  teamId: d.team,
                  name: d.team,
                  headcount: d.headcount,
                  reason: 'dependency',
                  ...(d.blockedBy === undefined ? {} : { blockedBy: d.blockedBy }),
                },
              }) as AcceptedEvent,
          );
          await projectInBatches(db, events, batchSizes);
          const now = BASE + nowHour * HOUR_MS + 1_234;
          const byOccurrence = [...events].sort(
            (a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt),
          );
          const timelines = TEAMS.map((t) =>
            buildTeamTimeline(
              t,
              byOccurrence.filter((e) => (e.data as { teamId: string }).teamId === t),
            ),
          );
          // whole weeks, one week, two from Monday to Monday, complete weeks between partial ones, and any
          const windowsAsked: (readonly [number, number])[] = [
            [0, 40],
            [7, 7],
            [7, 14],
            [2.5, 30],
            [-1.25, 20],
            ...windows,
          ];
          for (const [fromDay, days] of windowsAsked) {
            const window = {
              from: BASE + Math.round(fromDay * DAY_MS),
              to: BASE + Math.round((fromDay + days) * DAY_MS),
            };
            // the window a week longer, asked after it: some complete weeks shared, one not
            const longer = { from: window.from, to: window.to + 7 * DAY_MS };
            // each window on its own data version: alone; with complete weeks shared, first read by week
            // (a partial first week included), then taken from what is shared; then the longer window
            versions.version += 1;
            for (const [asked, shared] of [
              [window, false],
              [window, true],
              [window, true],
              [longer, true],
            ] as const) {
              const ctx = contextOf(orgId, now, shared);
              const pairs = await ctx.teams.blockingPairTimes(asked.from, Math.min(asked.to, now));
              expect(blockingEdgesOf(pairs)).toEqual(blockingEdges(timelines, asked, now));
            }
          }
          // then every window again on one data version, the last first: each finds complete weeks
          // shared by the windows before it, and reads the others (not always next to each other)
          versions.version += 1;
          for (const [fromDay, days] of [...windowsAsked].reverse()) {
            const asked = {
              from: BASE + Math.round(fromDay * DAY_MS),
              to: BASE + Math.round((fromDay + days) * DAY_MS),
            };
            const pairs = await contextOf(orgId, now, true).teams.blockingPairTimes(
              asked.from,
              Math.min(asked.to, now),
            );
            expect(blockingEdgesOf(pairs)).toEqual(blockingEdges(timelines, asked, now));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('given complete weeks read once, when windows around them move, then only their partial weeks and the complete weeks not read yet are read, until the org’s data changes', async () => {
    const orgId = randomUUID();
    const event = (i: number, type: string, days: number, data: Record<string, unknown>) =>
      ({
        id: `e${i}`,
        type,
        version: 1,
        orgId,
        occurredAt: new Date(BASE + days * DAY_MS).toISOString(),
        ingestedAt: '2026-04-01T00:00:00.000Z',
        data: { teamId: 'a', name: 'a', headcount: 4, reason: 'dependency', ...data },
      }) as AcceptedEvent;
    await projectInBatches(db, [
      event(0, 'team.registered', 0, {}),
      event(1, 'team.blocked', 1.5, { blockedBy: 'b' }),
      event(2, 'team.unblocked', 30, {}),
    ]);
    const { db: counting, sent, params } = recordingStatements(db);
    const now = BASE + 40 * DAY_MS;
    const ask = async (fromDay: number) => {
      sent.length = 0;
      params.length = 0;
      const pairs = await contextOf(orgId, now, true, counting).teams.blockingPairTimes(
        BASE + fromDay * DAY_MS,
        BASE + (fromDay + 30) * DAY_MS,
      );
      const byWeek = sent.findIndex((sql) => sql.includes('generate_series'));
      return {
        statements: sent.length,
        byWeek: byWeek >= 0,
        // the days from BASE the statement by week read
        byWeekDays:
          byWeek < 0 ? undefined : params[byWeek]?.slice(1).map((ms) => (Number(ms) - BASE) / DAY_MS),
        pairs,
      };
    };
    const first = await ask(2); // complete weeks 7 to 28
    expect(first).toMatchObject({ statements: 1, byWeek: true });
    expect(first.pairs).toEqual([
      { blockingTeamId: 'b', blockedTeamId: 'a', blockedMs: 28 * DAY_MS, personMs: 4 * 28 * DAY_MS },
    ]);
    const moved = await ask(3);
    expect(moved).toMatchObject({ statements: 2, byWeek: false });
    expect(moved.pairs).toEqual([
      { blockingTeamId: 'b', blockedTeamId: 'a', blockedMs: 27 * DAY_MS, personMs: 4 * 27 * DAY_MS },
    ]);
    // a week later: weeks 14 and 21 are shared, week 28 is read by week with the partial one after it
    expect(await ask(9)).toMatchObject({
      statements: 2,
      byWeekDays: [28, 39],
      pairs: [{ blockingTeamId: 'b', blockedTeamId: 'a', blockedMs: 21 * DAY_MS, personMs: 4 * 21 * DAY_MS }],
    });
    versions.version += 1;
    expect(await ask(3)).toMatchObject({ statements: 1, byWeekDays: [3, 33], pairs: moved.pairs });
  });
});

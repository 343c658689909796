import { randomUUID } from 'node:crypto';
import type { AcceptedEvent } from '@orgpulse/contracts';
import { DAY_MS, HOUR_MS, blockingEdges, blockingEdgesOf, buildTeamTimeline } from '@orgpulse/domain';
import { connectDatabase } from '@orgpulse/persistence';
import { testEnvironment } from '@orgpulse/testing';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { RequestContext } from '../graphql/request-context';
import { projectInBatches } from '../read-models/project-events.test-support';

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
          for (const [fromDay, days] of [[0, 40] as const, [7, 7] as const, ...windows]) {
            const window = {
              from: BASE + Math.round(fromDay * DAY_MS),
              to: BASE + Math.round((fromDay + days) * DAY_MS),
            };
            const ctx = new RequestContext(
              { orgId, role: 'viewer', groupId: null },
              db,
              undefined,
              () => now,
            );
            const pairs = await ctx.teams.blockingPairTimes(window.from, Math.min(window.to, now));
            expect(blockingEdgesOf(pairs)).toEqual(blockingEdges(timelines, window, now));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

import { randomUUID } from 'node:crypto';
import type { AcceptedEvent } from '@orgpulse/contracts';
import {
  DAY_MS,
  HOUR_MS,
  type Overview,
  buildTeamTimeline,
  groupAt,
  isRegisteredAt,
  rollUp,
} from '@orgpulse/domain';
import { connectDatabase } from '@orgpulse/persistence';
import { testEnvironment } from '@orgpulse/testing';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { RequestContext } from '../graphql/request-context';
import { projectInBatches } from '../read-models/project-events.test-support';
import { type LazyOverview, groupOverview, orgOverview } from './org-figures';

const TEAMS = ['a', 'b', 'c', 'd'];
const BASE = Date.parse('2026-03-02T00:00:00Z');
const KINDS = [
  'team.registered',
  'team.blocked',
  'team.unblocked',
  'discovery.interview-held',
  'delivery.shipped',
  'team.archived',
] as const;

const draftArb = fc.record({
  kind: fc.constantFrom(...KINDS),
  team: fc.constantFrom(...TEAMS),
  // often exactly at a midnight: counts at a midnight t include the events at t
  minutes: fc.oneof(
    fc.integer({ min: 0, max: 30 * 24 * 60 }),
    fc.integer({ min: 0, max: 30 }).map((day) => day * 24 * 60),
  ),
  headcount: fc.integer({ min: 0, max: 9 }),
  trio: fc.boolean(),
  // teams move between two groups (or none) when registered again
  group: fc.constantFrom('g1', 'g2', undefined),
});

/** Every part of the overview as the fold of its teams says (blocked time to float precision). */
async function expectOverview(overview: LazyOverview, expected: Overview, together = false): Promise<void> {
  const [idle, activity] = together
    ? await Promise.all([overview.idle(), overview.activity()])
    : [await overview.idle(), await overview.activity()];
  expect(idle.blockedHours).toBeCloseTo(expected.blockedHours, 6);
  expect(idle.idlePersonDays).toBeCloseTo(expected.idlePersonDays, 6);
  expect([activity.interviews, activity.trioInterviews, activity.ships]).toEqual([
    expected.interviews,
    expected.trioInterviews,
    expected.ships,
  ]);
  expect(await overview.counts()).toEqual({ teams: expected.teams, blockedTeams: expected.blockedTeams });
}

describe('org overview from the per-day totals, and a group roll-up from its weeks flagged blocked, = the sum over its teams (property, real PostgreSQL)', () => {
  jest.setTimeout(300_000);
  let db: DataSource;
  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
  });
  afterAll(() => db.destroy());

  it('given any history arriving in any order, and events dated after now, then windows from a midnight to a midnight or to now sum as every team does, and a group as its members do', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(draftArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 29 * 24 }),
        async (drafts, batchSizes, nowHour) => {
          const orgId = randomUUID();
          // every team registered at BASE (a and b in g1, c in g2), so that groups have members; the drafts move them
          const registered = TEAMS.map((team, i) => ({
            kind: 'team.registered' as const,
            team,
            minutes: 0,
            headcount: 3 + i,
            trio: false,
            group: (['g1', 'g1', 'g2', undefined] as const)[i],
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
                  ...(d.group === undefined ? {} : { groupId: d.group }),
                  reason: 'other',
                  participantRoles: d.trio ? ['pm', 'designer', 'engineer'] : ['pm'],
                },
              }) as AcceptedEvent,
          );
          await projectInBatches(db, events, batchSizes);
          const now = BASE + nowHour * HOUR_MS + 1_234;
          const ctx = new RequestContext({ orgId, role: 'viewer', groupId: null }, db, undefined, () => now);
          const byOccurrence = [...events].sort(
            (a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt),
          );
          const timelines = TEAMS.map((t) =>
            buildTeamTimeline(
              t,
              byOccurrence.filter((e) => (e.data as { teamId: string }).teamId === t),
            ),
          ).filter((t) => t.lifecycle.length + t.blocked.length + t.interviews.length + t.ships.length > 0);
          const days = Math.floor((now - BASE) / DAY_MS);
          for (const [fromDay, toDay] of [
            [0, null],
            [3, null],
            [0, days],
            [2, Math.max(3, days - 1)],
            // inside days: summed team by team
            [0.5, null],
            [1.25, Math.max(2, days - 0.6)],
          ] as const) {
            const window = {
              from: BASE + fromDay * DAY_MS,
              to: toDay === null ? BASE + 40 * DAY_MS : BASE + toDay * DAY_MS,
            };
            const context = () => new RequestContext(ctx.principal, db, undefined, () => now);
            await expectOverview(orgOverview(context(), window, now), rollUp(timelines, window, now, null));
            // g1's roll-up: its members at t = min(to, now), every figure over the window
            const t = Math.min(window.to, now);
            const members = timelines.filter((tl) => isRegisteredAt(tl, t) && groupAt(tl, t) === 'g1');
            const expectedGroup = rollUp(members, window, now, null);
            // blocked time from the flagged weeks (asked alone), and from every week (asked with the rest)
            await expectOverview(groupOverview(context(), 'g1', window, now), expectedGroup);
            await expectOverview(groupOverview(context(), 'g1', window, now), expectedGroup, true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

import { randomUUID } from 'node:crypto';
import type { AcceptedEvent } from '@orgpulse/contracts';
import { DAY_MS, type Window } from '@orgpulse/domain';
import { connectDatabase, recordReadModelVersions } from '@orgpulse/persistence';
import { TestDatabase, acceptedEventBuilder, projectEvents } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { RequestContext } from '../graphql/request-context';
import { TeamHistoryCache } from '../read-models/team-history.cache';
import { timelinesFor } from '../teams/team-metrics';
import { groupOverview } from './org-figures';

const START = Date.parse('2026-01-05T00:00:00Z');
const TEAMS = 450; // more than two slices of 200

/**
 * Issue 20: a group's roll-up reads its teams a slice at a time and lets go of each slice, so one request
 * over a group of 20,000 teams holds a slice's weeks, not the group's (16 such requests at once ran the
 * API out of heap on E6's org before).
 */
describe("a group's roll-up (real PostgreSQL)", () => {
  jest.setTimeout(120_000);
  let testDb: TestDatabase;
  let db: DataSource;
  const orgId = randomUUID();

  beforeAll(async () => {
    testDb = await TestDatabase.create('rollup');
    db = await connectDatabase({ url: testDb.url, startupTimeoutMs: 5_000 });
    await recordReadModelVersions(db.manager);
    await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'roll-up')`, [orgId]);
    const build = acceptedEventBuilder();
    const event = (type: AcceptedEvent['type'], at: number, data: Record<string, unknown>) =>
      build(orgId, type, at, data);
    const events = Array.from({ length: TEAMS }, (_, i) => [
      event('team.registered', START, { teamId: `t${i}`, name: `T${i}`, headcount: 5, groupId: 'big' }),
      event('discovery.interview-held', START + 3 * DAY_MS, { teamId: `t${i}` }),
      ...(i % 3 === 0
        ? [event('team.blocked', START + 5 * DAY_MS, { teamId: `t${i}`, reason: 'dependency' })]
        : []),
    ]).flat();
    await projectEvents(db, events);
  });
  afterAll(async () => {
    await db.destroy();
    await testDb.drop();
  });

  const VIEWER = () => ({ orgId, role: 'viewer' as const, groupId: null });
  /**
   * A request that knows these teams' heads, after a dashboard of them (another request) left their
   * timelines over the window in the process's cache.
   */
  const afterDashboard = async (ids: string[], window: Window, now: number, cacheBytes: number) => {
    const cache = new TeamHistoryCache(cacheBytes);
    const request = () => new RequestContext(VIEWER(), db, undefined, () => now, cache);
    const dashboard = request();
    await dashboard.teamsById(ids);
    await timelinesFor(dashboard, ids, window);
    const ctx = request();
    await ctx.teamsById(ids);
    return ctx;
  };

  it('given 450 teams in one group, when its roll-up is asked, then it sums them all and the request holds at most one slice', async () => {
    const now = START + 20 * DAY_MS;
    const ctx = new RequestContext({ orgId, role: 'viewer', groupId: null }, db, undefined, () => now);
    const overview = groupOverview(ctx, 'big', { from: START, to: START + 14 * DAY_MS }, now);
    expect(await overview.counts()).toMatchObject({ teams: TEAMS, blockedTeams: 150 });
    expect((await overview.activity()).interviews).toBe(TEAMS);
    // 150 teams × 5 people blocked from day 5 to the window's end (day 14)
    expect((await overview.idle()).idlePersonDays).toBeCloseTo(150 * 5 * 9, 6);
    expect(ctx.teams.heldWeeks).toBeLessThanOrEqual(200);
  });

  it("given 450 teams' timelines held by the process, when the roll-up's counts and idle time are asked, then they come from those timelines, a slice at a time, as from SQL", async () => {
    const now = START + 20 * DAY_MS;
    const window = { from: START, to: START + 14 * DAY_MS };
    const ids = Array.from({ length: TEAMS }, (_, i) => `t${i}`);
    const ctx = await afterDashboard(ids, window, now, 16 * 1024 * 1024);
    const flagged = jest.spyOn(ctx.teams, 'flaggedTimelines');
    const overview = groupOverview(ctx, 'big', window, now);
    expect(await overview.counts()).toMatchObject({ teams: TEAMS, blockedTeams: 150 });
    const pieces = jest.spyOn(ctx, 'piece');
    expect((await overview.idle()).idlePersonDays).toBeCloseTo(150 * 5 * 9, 6);
    expect(flagged).not.toHaveBeenCalled();
    // the blocked time of 450 timelines, 200 a piece
    expect(pieces).toHaveBeenCalledTimes(3);
  });

  it('given a block that ends in a later week with the headcount changed during it, and a second block, when only the idle time is asked, then it comes from the weeks flagged blocked as from the whole history', async () => {
    const build = acceptedEventBuilder('blocks');
    const at = (day: number) => START + day * DAY_MS;
    const team = (type: AcceptedEvent['type'], day: number, data: Record<string, unknown> = {}) =>
      build(orgId, type, at(day), { teamId: 'u1', ...data });
    await projectEvents(db, [
      team('team.registered', 0, { name: 'U1', headcount: 4, groupId: 'small' }),
      build(orgId, 'team.registered', at(0), { teamId: 'u2', name: 'U2', headcount: 9, groupId: 'small' }),
      team('team.blocked', 1, { reason: 'dependency' }),
      team('discovery.interview-held', 2),
      team('team.registered', 3, { name: 'U1', headcount: 6, groupId: 'small' }),
      team('team.unblocked', 10),
      // a week not flagged between the blocks: the second run starts from its week's head alone
      team('discovery.interview-held', 15),
      team('team.blocked', 22, { reason: 'environment' }),
      team('team.unblocked', 24),
    ]);
    const now = at(30);
    const ctx = new RequestContext({ orgId, role: 'viewer', groupId: null }, db, undefined, () => now);
    const idle = await groupOverview(ctx, 'small', { from: START, to: at(28) }, now).idle();
    // 4 people days 1-3, 6 people days 3-10, 6 people days 22-24
    expect(idle.idlePersonDays).toBeCloseTo(4 * 2 + 6 * 7 + 6 * 2, 6);
    expect(idle.blockedHours).toBeCloseTo((9 + 2) * 24, 6);
  });

  it("given its teams' timelines held by the process (a dashboard of them read them), when the counts and idle time of a past window are asked, then they come from those timelines, as SQL says them", async () => {
    const build = acceptedEventBuilder('held');
    const at = (day: number) => START + day * DAY_MS;
    const team = (id: string, type: AcceptedEvent['type'], day: number, data: Record<string, unknown> = {}) =>
      build(orgId, type, at(day), { teamId: id, ...data });
    await projectEvents(db, [
      team('h1', 'team.registered', 0, { name: 'H1', headcount: 4, groupId: 'held' }),
      team('h2', 'team.registered', 0, { name: 'H2', headcount: 7, groupId: 'held' }),
      team('h3', 'team.registered', 0, { name: 'H3', headcount: 3, groupId: 'held' }),
      team('h1', 'team.blocked', 2, { reason: 'dependency' }),
      team('h2', 'team.blocked', 9, { reason: 'environment' }),
      // at t (the window's end, day 12): h3 blocked; after it: h1 unblocked, h2 moved away, h3 interviews,
      // and h4, which did not exist at t, registered in the group
      team('h3', 'team.blocked', 12, { reason: 'decision-pending' }),
      team('h1', 'team.unblocked', 15),
      team('h2', 'team.registered', 16, { name: 'H2', headcount: 7, groupId: 'elsewhere' }),
      team('h3', 'discovery.interview-held', 17),
      team('h4', 'team.registered', 20, { name: 'H4', headcount: 2, groupId: 'held' }),
    ]);
    const now = at(30);
    const window = { from: START, to: at(12) };
    const ids = ['h1', 'h2', 'h3', 'h4'];
    const ctx = await afterDashboard(ids, window, now, 1024 * 1024);
    const statesAt = jest.spyOn(ctx.teams, 'statesAt');
    const flagged = jest.spyOn(ctx.teams, 'flaggedTimelines');
    const overview = groupOverview(ctx, 'held', window, now);
    const figures = { ...(await overview.counts()), ...(await overview.idle()) };
    expect([statesAt.mock.calls, flagged.mock.calls]).toEqual([[], []]);

    const sql = new RequestContext(VIEWER(), db, undefined, () => now);
    const read = groupOverview(sql, 'held', window, now);
    expect(figures).toEqual({ ...(await read.counts()), ...(await read.idle()) });
    // at day 12: h1-h3, all blocked (h3 from t on, a fact at t included); h1 4 people × 10 days, h2 7 × 3
    expect(figures).toMatchObject({ teams: 3, blockedTeams: 3 });
    expect(figures.idlePersonDays).toBeCloseTo(4 * 10 + 7 * 3, 6);
  });
});

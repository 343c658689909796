import {
  DAY_MS,
  blockedTime,
  emptyTeamHead,
  evolveTeamHead,
  foldFacts,
  integrateLevel,
  TEAM_TOTALS,
  teamDayTotals,
  HOUR_MS,
  type Overview,
  type TeamTimeline,
  WEEK_MS,
  type Window,
  idleCostOf,
  OverviewSums,
  teamTimelineFrom,
  weeklyTrend,
  weeksOverlapping,
  blockedIntervalAt,
  groupAt,
  isRegisteredAt,
} from '@orgpulse/domain';
import type { RequestContext } from '../graphql/request-context';
import { TEAMS_PER_READ, type TeamView, dayFloor, isDayAligned } from '../read-models/team-reads';
import { TIMELINES_PER_PIECE, spanOf, timelinesFor } from '../teams/team-metrics';
import type { WeekPointModel } from '../teams/team.models';

export type Counts = Pick<Overview, 'teams' | 'blockedTeams'>;
export type Sums = Omit<Overview, 'teams' | 'blockedTeams'>;

const [REGISTERED, REGISTERED_BLOCKED] = [
  TEAM_TOTALS.indexOf('registered_teams_change'),
  TEAM_TOTALS.indexOf('registered_blocked_change'),
];

type Idle = Pick<Overview, 'idlePersonDays' | 'blockedHours' | 'idleCost'>;
type Activity = Pick<Overview, 'interviews' | 'trioInterviews' | 'ships'>;

/** An overview whose parts are computed only when asked: counts at t, blocked time and activity over the window. */
export interface LazyOverview {
  counts(): Promise<Counts>;
  idle(): Promise<Idle>;
  activity(): Promise<Activity>;
}

const once = <T>(compute: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => (value ??= compute());
};

/** A member of a roll-up at t: its id, and whether it was blocked at t. */
export interface TeamMember {
  subjectId: string;
  blocked: boolean;
}

/**
 * The teams of G's roll-up at t (contract §8): registered at t, whose group at t is in G's subtree at t,
 * within what the token sees. Candidates are the teams ever registered in one of those groups. `from`
 * (at most t): the start of a window whose timelines the process may hold.
 */
export async function membersAt(
  ctx: RequestContext,
  groupId: string,
  t: number,
  recursive = true,
  from?: number,
): Promise<TeamMember[]> {
  if (!(await ctx.seesGroup(groupId))) return [];
  const hierarchy = await ctx.hierarchyAt(t);
  const subtree = recursive ? hierarchy.subtreeOf(groupId) : new Set(hierarchy.get(groupId) ? [groupId] : []);
  if (subtree.size === 0) return [];
  const candidates = await ctx.teamsLinkedTo(subtree);
  // a team with no event after t is as its head says; the others as their held timelines or the week
  // that covers t say
  const later = candidates.filter((m) => m.lastAt > t).map((m) => m.subjectId);
  const held = from === undefined || from > t ? undefined : heldTimelines(ctx, later, from);
  const past = held ? await statesIn(ctx, later, held, t) : await ctx.teams.statesAt(later, t);
  return ctx.piece(() => {
    const members: TeamMember[] = [];
    for (const candidate of candidates) {
      const state = candidate.lastAt > t ? past.get(candidate.subjectId) : candidate;
      if (state?.registered && state.groupId !== null && subtree.has(state.groupId))
        members.push({ subjectId: candidate.subjectId, blocked: state.blocked });
    }
    return members;
  });
}

/** What statesAt says of these teams at t, from their timelines (in their order), a piece at a time. */
async function statesIn(
  ctx: RequestContext,
  ids: readonly string[],
  timelines: readonly TeamTimeline[],
  t: number,
): Promise<Map<string, { registered: boolean; groupId: string | null; blocked: boolean }>> {
  const states = new Map<string, { registered: boolean; groupId: string | null; blocked: boolean }>();
  for (let start = 0; start < ids.length; start += TIMELINES_PER_PIECE)
    await ctx.piece(() => {
      for (let i = start; i < Math.min(ids.length, start + TIMELINES_PER_PIECE); i++)
        states.set(ids[i], {
          registered: isRegisteredAt(timelines[i], t),
          groupId: groupAt(timelines[i], t),
          blocked: blockedIntervalAt(timelines[i], t) !== undefined,
        });
    });
  return states;
}

const addTime = (
  sum: { blockedMs: number; personMs: number },
  time: { blockedMs: number; personMs: number },
) => {
  sum.blockedMs += time.blockedMs;
  sum.personMs += time.personMs;
};

/** Every one of these teams' timelines from `from` on if the process holds them all, else undefined. */
function heldTimelines(
  ctx: RequestContext,
  ids: readonly string[],
  from: number,
): TeamTimeline[] | undefined {
  const timelines: TeamTimeline[] = [];
  for (const id of ids) {
    const held = ctx.teams.heldTimeline(id, from);
    if (held === undefined) return undefined;
    timelines.push(held);
  }
  return timelines;
}

/**
 * A group's roll-up over a window (§8): its teams as of t = min(to, now), their figures summed, each part
 * only when asked. Counts from what the members were at t; interviews and ships from every member's
 * weeks; blocked time from those too when they are asked in the same turn (one read for both), else from
 * the members' weeks flagged blocked alone (most teams' weeks have none).
 */
export function groupOverview(
  ctx: RequestContext,
  groupId: string,
  window: Window,
  now: number,
): LazyOverview {
  const t = Math.min(window.to, now);
  const members = once(() => membersAt(ctx, groupId, t, true, spanOf(window).from));
  const counts = once(async (): Promise<Counts> => {
    const states = await members();
    return { teams: states.length, blockedTeams: states.filter((m) => m.blocked).length };
  });
  // every member's weeks, read when interviews or ships are asked: blocked time then comes from them too
  let activityAsked = false;
  const folded = once(async () => {
    const views = await members();
    // a slice of teams at a time, between turns of the event loop: a large group holds no one up, and
    // past one slice the request lets go of what it read, so its memory is a slice's, not the group's
    const sums = new OverviewSums(window, now);
    const time = { blockedMs: 0, personMs: 0 };
    const from = spanOf(window).from;
    for (let start = 0; start < views.length; start += TIMELINES_PER_PIECE) {
      const slice = views.slice(start, start + TIMELINES_PER_PIECE).map((v) => v.subjectId);
      const timelines = await timelinesFor(ctx, slice, window);
      await ctx.piece(() => {
        sums.sum(timelines);
        for (const timeline of timelines) addTime(time, blockedTime(timeline, window, now));
      });
      if (views.length > TIMELINES_PER_PIECE) ctx.teams.forget(slice, from);
    }
    const { interviews, trioInterviews, ships } = sums.overview(null);
    return { activity: { interviews, trioInterviews, ships }, time };
  });
  // otherwise from the members' timelines when the process holds them all (a dashboard of the group's
  // teams keeps them), else from the members' weeks flagged blocked alone
  const blocked = once(async () => {
    const ids = (await members()).map((m) => m.subjectId);
    if (activityAsked) return (await folded()).time;
    const time = { blockedMs: 0, personMs: 0 };
    const held = heldTimelines(ctx, ids, spanOf(window).from);
    if (held !== undefined) {
      for (let start = 0; start < held.length; start += TIMELINES_PER_PIECE)
        await ctx.piece(() => {
          for (const timeline of held.slice(start, start + TIMELINES_PER_PIECE))
            addTime(time, blockedTime(timeline, window, now));
        });
      return time;
    }
    for (let start = 0; start < ids.length; start += TEAMS_PER_READ) {
      ctx.stopIfCut();
      const runs = await ctx.teams.flaggedTimelines(
        ids.slice(start, start + TEAMS_PER_READ),
        'blocked',
        window.from,
        t,
      );
      await ctx.piece(() => {
        for (const run of runs) addTime(time, blockedTime(run, window, now));
      });
    }
    return time;
  });
  const idle = once(async (): Promise<Idle> => {
    const [{ blockedMs, personMs }, settings] = await Promise.all([blocked(), ctx.settings()]);
    const idlePersonDays = personMs / DAY_MS;
    return {
      idlePersonDays,
      blockedHours: blockedMs / HOUR_MS,
      idleCost: idleCostOf(idlePersonDays, settings.idleCostPerPersonDay),
    };
  });
  const activity = async (): Promise<Activity> => {
    activityAsked = true;
    return (await folded()).activity;
  };
  return { counts, idle, activity };
}

/**
 * The whole org (§4): counts at t = min(to, now) and sums over the window. Sums come from the per-day
 * totals when the window starts at a UTC midnight and ends at one or at now, plus the time blocked teams
 * spent blocked since their latest event; otherwise from every team. Counts at a past midnight come from
 * the totals too; at now from the heads, at another past t from the heads and the weeks covering t.
 */
export function orgOverview(ctx: RequestContext, window: Window, now: number): LazyOverview {
  const t = Math.min(window.to, now);
  // teams whose latest event is at or before t are counted from their heads; the others (every team with
  // an event after t, for a past t) from the week that covers t, counted in SQL
  const counts = once(async (): Promise<Counts> => {
    // at a past midnight, the per-day totals' changes before it are the counts: the org's days, not its teams
    if (t < now && isDayAligned(t)) {
      const [sums] = await ctx.teams.reader.totals(ctx.orgId, [[-Infinity, t]]);
      return { teams: Number(sums[REGISTERED]), blockedTeams: Number(sums[REGISTERED_BLOCKED]) };
    }
    const [[teams, blockedTeams], [laterTeams, laterBlocked]] = await Promise.all([
      ctx.teams.reader.countSet(ctx.orgId, ['registered', 'blocked_since'], t),
      ctx.teams.laterCountsAt(t),
    ]);
    return { teams: teams + laterTeams, blockedTeams: blockedTeams + laterBlocked };
  });
  const sums = once(async (): Promise<Sums> => {
    const settings = await ctx.settings();
    const cost = settings.idleCostPerPersonDay;
    // a window that starts or ends inside a past day has no totals for its part of that day
    if (!isDayAligned(window.from) || (!isDayAligned(window.to) && window.to <= now))
      return sumsOverEveryTeam(ctx, window, now, cost);
    return fromTotals(ctx, window, now, cost);
  });
  return { counts, idle: sums, activity: sums };
}

/** The window's sums team by team, a page of teams at a time, nothing kept: what the totals cannot give. */
async function sumsOverEveryTeam(
  ctx: RequestContext,
  window: Window,
  now: number,
  cost: number | null,
): Promise<Sums> {
  const sums = new OverviewSums(window, now);
  const span = spanOf(window);
  for (let after: string | undefined; ;) {
    ctx.stopIfCut();
    const ids = await ctx.teams.reader.ids(ctx.orgId, { first: EVERY_TEAM_PAGE, after });
    if (ids.length === 0) break;
    after = ids[ids.length - 1];
    const weeks = await ctx.teams.reader.weeksFrom(ctx.orgId, ids, span.from);
    await ctx.piece(() =>
      sums.sum(
        ids.map((id) => {
          const teamWeeks = weeks.get(id) ?? [];
          return teamTimelineFrom(
            teamWeeks[0]?.start ?? emptyTeamHead(id),
            teamWeeks[0]?.week ?? span.from,
            teamWeeks.flatMap((w) => w.facts),
          );
        }),
      ),
    );
  }
  const { teams: _teams, blockedTeams: _blocked, ...figures } = sums.overview(cost);
  return figures;
}

const EVERY_TEAM_PAGE = 500;
/** Teams with facts after t whose weeks one statement reads (and one piece of work folds). */
const LATE_TEAMS_PER_READ = 200;

const dayCeil = (t: number) => (isDayAligned(t) ? t : dayFloor(t) + DAY_MS);

/**
 * Interviews, trio interviews and ships in [from, to), blocked and idle time in [from, min(to, now)):
 * the per-day totals over whole days (blocked time integrated from the change points of the blocked
 * levels), less what teams with events dated after min(to, now) put into the days summed after it.
 */
async function fromTotals(
  ctx: RequestContext,
  window: Window,
  now: number,
  cost: number | null,
): Promise<Sums> {
  const { from, to } = window;
  const t = Math.min(to, now);
  const [countEnd, timeEnd] = [dayCeil(to), dayCeil(t)];
  const [[before, timed, counted], later] = await Promise.all([
    ctx.teams.reader.totals(ctx.orgId, [
      [-Infinity, from],
      [from, timeEnd],
      [from, countEnd],
    ]),
    countEnd === to && timeEnd === t ? Promise.resolve([]) : ctx.teams.reader.headsAfter(ctx.orgId, t),
  ]);
  const [teams, teamsMs, people, peopleMs] = timed;
  let [, , , , interviews, trio, ships] = counted;
  let late = [0n, 0n, 0n, 0n];
  // their weeks from t's on, a page of teams per statement, nothing kept: the facts, which the process's
  // cache of timelines does not hold
  for (let i = 0; i < later.length; i += LATE_TEAMS_PER_READ) {
    ctx.stopIfCut();
    const ids = later.slice(i, i + LATE_TEAMS_PER_READ).map((view) => view.subjectId);
    const read = await ctx.teams.reader.weeksFrom(ctx.orgId, ids, t);
    await ctx.piece(() => {
      for (const id of ids) {
        const weeks = read.get(id) ?? [];
        const facts = weeks.flatMap((w) => w.facts);
        const stateAt = (at: number) =>
          foldFacts(
            { evolve: evolveTeamHead },
            weeks[0]?.start ?? emptyTeamHead(id),
            facts.filter((f) => f.at < at),
          );
        // changes dated at or after t sit in days summed up to timeEnd; counts at or after `to` up to countEnd
        for (const [day, row] of teamDayTotals(
          stateAt(t),
          facts.filter((f) => f.at >= t),
        ))
          if (day < timeEnd) late = late.map((v, k) => v + row[k]);
        for (const [day, row] of teamDayTotals(
          stateAt(to),
          facts.filter((f) => f.at >= to),
        ))
          if (day < countEnd)
            [interviews, trio, ships] = [interviews - row[4], trio - row[5], ships - row[6]];
      }
    });
  }
  const span = { from, to: t };
  const blocked = t <= from ? 0n : integrateLevel(span, before[0], teams - late[0], teamsMs - late[1]);
  const idle = t <= from ? 0n : integrateLevel(span, before[2], people - late[2], peopleMs - late[3]);
  const idlePersonDays = Number(idle) / DAY_MS;
  return {
    idlePersonDays,
    idleCost: idleCostOf(idlePersonDays, cost),
    blockedHours: Number(blocked) / HOUR_MS,
    interviews: Number(interviews),
    trioInterviews: Number(trio),
    ships: Number(ships),
  };
}

/** Every team the token sees (a scoped token: its subtree's teams now), paged through in id order. */
export async function allTeams(ctx: RequestContext): Promise<TeamView[]> {
  const all: TeamView[] = [];
  for (let after: string | undefined; ;) {
    const page = await ctx.listTeams({ first: 5_000, after });
    all.push(...page);
    if (page.length < 5_000) return all;
    after = page[page.length - 1].subjectId;
  }
}

/** Weekly series of a group, each week over the group's teams at min(week end, now) (§8). */
export async function groupTrend(
  ctx: RequestContext,
  groupId: string,
  window: Window,
  now: number,
): Promise<WeekPointModel[]> {
  const points: WeekPointModel[] = [];
  const timelines = new Map<string, TeamTimeline>();
  // week by week, the event loop turning between weeks: a long trend over a large group holds no one up
  for (const monday of weeksOverlapping(window)) {
    const week = { from: Math.max(monday, window.from), to: Math.min(monday + WEEK_MS, window.to) };
    const members = await membersAt(ctx, groupId, Math.min(week.to, now));
    const missing = members.filter((v) => !timelines.has(v.subjectId));
    for (const [i, timeline] of (
      await timelinesFor(
        ctx,
        missing.map((v) => v.subjectId),
        window,
      )
    ).entries())
      timelines.set(missing[i].subjectId, timeline);
    const [point] = await ctx.piece(() =>
      weeklyTrend(week, now, () => members.map((v) => timelines.get(v.subjectId) as TeamTimeline)),
    );
    points.push({ ...point, weekStart: new Date(monday) });
  }
  return points;
}

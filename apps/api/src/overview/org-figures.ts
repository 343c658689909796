import {
  DAY_MS,
  emptyTeamHead,
  evolveTeamHead,
  foldFacts,
  integrateLevel,
  teamDayTotals,
  HOUR_MS,
  type Overview,
  type TeamTimeline,
  WEEK_MS,
  type Window,
  idleCostOf,
  rollUp,
  weeklyTrend,
  weeksOverlapping,
} from '@orgpulse/domain';
import type { RequestContext } from '../graphql/request-context';
import { type TeamView, dayFloor, isDayAligned } from '../read-models/team-reads';
import { teamAt, timelineFor } from '../teams/team-metrics';
import type { WeekPointModel } from '../teams/team.models';

export type Counts = Pick<Overview, 'teams' | 'blockedTeams'>;
export type Sums = Omit<Overview, 'teams' | 'blockedTeams'>;

/** An overview whose two halves are computed only when asked: counts at t and sums over the window. */
export interface LazyOverview {
  counts(): Promise<Counts>;
  sums(): Promise<Sums>;
}

const once = <T>(compute: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => (value ??= compute());
};

/**
 * The teams of G's roll-up at t (contract §8): registered at t, whose group at t is in G's subtree at t,
 * within what the token sees. Candidates are the teams ever registered in one of those groups.
 */
export async function membersAt(
  ctx: RequestContext,
  groupId: string,
  t: number,
  recursive = true,
): Promise<TeamView[]> {
  if (!(await ctx.seesGroup(groupId))) return [];
  const hierarchy = await ctx.hierarchyAt(t);
  const subtree = recursive ? hierarchy.subtreeOf(groupId) : new Set(hierarchy.get(groupId) ? [groupId] : []);
  if (subtree.size === 0) return [];
  const candidates = await ctx.teamsById(await ctx.teams.reader.linkedTo(ctx.orgId, [...subtree]));
  const states = await Promise.all(candidates.map((view) => teamAt(ctx, view, t)));
  return candidates.filter((_, i) => {
    const { registered, groupId: group } = states[i];
    return registered && group !== null && subtree.has(group);
  });
}

const timelinesOf = (
  ctx: RequestContext,
  views: readonly TeamView[],
  window: Window,
): Promise<TeamTimeline[]> => Promise.all(views.map((v) => timelineFor(ctx, v.subjectId, window)));

/** A group's roll-up over a window (§8): its teams as of min(to, now), their figures summed. */
export function groupOverview(
  ctx: RequestContext,
  groupId: string,
  window: Window,
  now: number,
): LazyOverview {
  const figures = once(async () => {
    const members = await membersAt(ctx, groupId, Math.min(window.to, now));
    const [timelines, settings] = await Promise.all([timelinesOf(ctx, members, window), ctx.settings()]);
    return rollUp(timelines, window, now, settings.idleCostPerPersonDay);
  });
  return { counts: figures, sums: figures };
}

/**
 * The whole org (§4): counts at t = min(to, now) and sums over the window. Sums come from the per-day
 * totals when the window starts at a UTC midnight and ends at one or at now, plus the time blocked teams
 * spent blocked since their latest event; otherwise, and for counts at a past t, from every team.
 */
export function orgOverview(ctx: RequestContext, window: Window, now: number): LazyOverview {
  const t = Math.min(window.to, now);
  const everyTeam = once(async () => {
    const views = await allTeams(ctx);
    return { views, timelines: await timelinesOf(ctx, views, window) };
  });
  const counts = once(async (): Promise<Counts> => {
    if (t < now) {
      const { timelines } = await everyTeam();
      const { teams, blockedTeams } = rollUp(timelines, window, now, null);
      return { teams, blockedTeams };
    }
    const [[teams, blockedTeams], later] = await Promise.all([
      ctx.teams.reader.countSet(ctx.orgId, ['registered', 'blocked_since'], t),
      ctx.teams.reader.headsAfter(ctx.orgId, t),
    ]);
    const states = await Promise.all(later.map((view) => teamAt(ctx, view, t)));
    return {
      teams: teams + states.filter((s) => s.registered).length,
      blockedTeams: blockedTeams + states.filter((s) => s.registered && s.block !== null).length,
    };
  });
  const sums = once(async (): Promise<Sums> => {
    const settings = await ctx.settings();
    const cost = settings.idleCostPerPersonDay;
    // a window that starts or ends inside a past day has no totals for its part of that day
    if (!isDayAligned(window.from) || (!isDayAligned(window.to) && window.to <= now)) {
      const { timelines } = await everyTeam();
      const { teams: _teams, blockedTeams: _blocked, ...rest } = rollUp(timelines, window, now, cost);
      return rest;
    }
    return fromTotals(ctx, window, now, cost);
  });
  return { counts, sums };
}

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
  for (const view of later) {
    const { weeks } = await ctx.teams.weeksFrom(view.subjectId, t);
    const facts = weeks.flatMap((w) => w.facts);
    const stateAt = (at: number) =>
      foldFacts(
        { evolve: evolveTeamHead },
        weeks[0]?.start ?? emptyTeamHead(view.subjectId),
        facts.filter((f) => f.at < at),
      );
    // changes dated at or after t sit in days summed up to timeEnd; counts at or after `to` up to countEnd
    for (const [day, row] of teamDayTotals(
      stateAt(t),
      facts.filter((f) => f.at >= t),
    ))
      if (day < timeEnd) late = late.map((v, i) => v + row[i]);
    for (const [day, row] of teamDayTotals(
      stateAt(to),
      facts.filter((f) => f.at >= to),
    ))
      if (day < countEnd) [interviews, trio, ships] = [interviews - row[4], trio - row[5], ships - row[6]];
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
  const weekEnds = weeksOverlapping(window).map((monday) => Math.min(monday + WEEK_MS, window.to, now));
  const members = new Map<number, TeamView[]>();
  await Promise.all(weekEnds.map(async (t) => members.set(t, await membersAt(ctx, groupId, t))));
  const timelines = new Map<string, TeamTimeline>();
  const everyone = new Map([...members.values()].flat().map((v) => [v.subjectId, v]));
  await Promise.all(
    [...everyone.values()].map(async (v) =>
      timelines.set(v.subjectId, await timelineFor(ctx, v.subjectId, window)),
    ),
  );
  return weeklyTrend(window, now, (t) =>
    (members.get(t) ?? []).map((v) => timelines.get(v.subjectId) as TeamTimeline),
  ).map((w) => ({
    ...w,
    weekStart: new Date(w.weekStart),
  }));
}

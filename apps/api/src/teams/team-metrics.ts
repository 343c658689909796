import {
  type CurrentBlock,
  type TeamTimeline,
  WEEK_MS,
  type Window,
  blockedIntervalAt,
  deliveryCadence,
  discoveryCadence,
  interviewsPerWeek,
  headcountAt,
  isRegisteredAt,
  isoWeekStart,
  groupAt,
  weeklyTrend,
} from '@orgpulse/domain';
import type { RequestContext } from '../graphql/request-context';
import type { TeamHistory, TeamView } from '../read-models/team-reads';
import type { DeliveryCadenceModel, DiscoveryCadenceModel, WeekPointModel } from './team.models';

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/** A team at one time: what "now" fields say. */
export interface TeamAt {
  registered: boolean;
  groupId: string | null;
  headcount: number;
  block: CurrentBlock | null;
}

/** Weeks loaded before a window so that a discovery streak rarely needs a second read. */
const STREAK_LOOKBACK_WEEKS = 8;

/**
 * The span a team's window fields read: the window, and a few weeks before its end for the discovery
 * streak. Every window field of a team asks for the same span, so one read serves them all.
 */
export const spanOf = (window: Window): Window => ({
  from: Math.min(window.from, isoWeekStart(window.to) - STREAK_LOOKBACK_WEEKS * WEEK_MS),
  to: window.to,
});

export async function timelineFor(
  ctx: RequestContext,
  teamId: string,
  window: Window,
): Promise<TeamTimeline> {
  const span = spanOf(window);
  return (await ctx.teams.history(teamId, span.from)).timeline;
}

/** Teams whose timelines are folded in one piece of long work: a few milliseconds. */
export const TIMELINES_PER_PIECE = 200;

/**
 * These teams' timelines over the window, read (batched, shared with other requests) and built as read.
 * A request already cut reads nothing.
 */
export async function timelinesFor(
  ctx: RequestContext,
  teamIds: readonly string[],
  window: Window,
): Promise<TeamTimeline[]> {
  ctx.stopIfCut();
  const from = spanOf(window).from;
  const entries = await Promise.all(teamIds.map((id) => ctx.teams.cachedHistory(id, from)));
  return entries.map((entry) => entry.timeline);
}

function teamAtIn(timeline: TeamTimeline, t: number): TeamAt {
  const interval = blockedIntervalAt(timeline, t);
  const segment = interval?.segments.filter((s) => s.at <= t).at(-1);
  return {
    registered: isRegisteredAt(timeline, t),
    groupId: groupAt(timeline, t),
    headcount: headcountAt(timeline, t),
    block:
      interval === undefined || segment === undefined
        ? null
        : {
            since: interval.start,
            reason: segment.reason,
            blockedBy: segment.blockedBy,
            reasonSince: segment.at,
          },
  };
}

/** The team at t from its head, when nothing about it happened after t. */
export function teamAtFromHead(view: TeamView, t: number): TeamAt | undefined {
  if (view.lastAt > t) return undefined;
  const { registered, groupId, headcount, block } = view.state;
  return { registered, groupId, headcount, block };
}

/** The team at t: its head when nothing about it happened after t, else from the week that covers t. */
export async function teamAt(ctx: RequestContext, view: TeamView, t: number): Promise<TeamAt> {
  return teamAtFromHead(view, t) ?? teamAtIn((await ctx.teams.history(view.subjectId, t)).timeline, t);
}

/** A field of the team at t: at once from its head when it can be, else when the week covering t is read. */
export const atTeam = <R>(
  ctx: RequestContext,
  view: TeamView,
  t: number,
  field: (at: TeamAt) => R,
): R | Promise<R> => {
  const head = teamAtFromHead(view, t);
  return head !== undefined ? field(head) : teamAt(ctx, view, t).then(field);
};

/** A window figure of a team: at once when its weeks are held, else when they are read. */
export const overTeam = <R>(
  ctx: RequestContext,
  teamId: string,
  window: Window,
  figure: (timeline: TeamTimeline) => R,
): R | Promise<R> => {
  const held = ctx.teams.historyIfHeld(teamId, spanOf(window).from);
  return held !== undefined ? figure(held.timeline) : timelineFor(ctx, teamId, window).then(figure);
};

/**
 * Contract §4's discovery cadence. The streak counts back from the window's end, not limited by its start:
 * when it reaches back past what was read, more weeks are read until it ends (it costs what it counts).
 */
export function discoveryOf(
  ctx: RequestContext,
  teamId: string,
  target: number,
  window: Window,
): DiscoveryCadenceModel | Promise<DiscoveryCadenceModel> {
  const held = ctx.teams.historyIfHeld(teamId, spanOf(window).from);
  const answer = held && streakWithin(held, target, window);
  return answer ?? discoveryRead(ctx, teamId, target, window);
}

/**
 * Interviews per week of a timeline's interviews, counted once: timelines are shared by requests (the
 * process's cache), each asking for other windows of the same interviews, which are never changed.
 */
const weekCounts = new WeakMap<readonly number[], ReadonlyMap<number, number>>();

/** The cadence from what was read, if its streak ends inside it. */
function streakWithin(
  history: TeamHistory,
  target: number,
  window: Window,
): DiscoveryCadenceModel | undefined {
  const { interviews, trioInterviews } = history.timeline;
  let perWeek = weekCounts.get(interviews);
  if (perWeek === undefined) weekCounts.set(interviews, (perWeek = interviewsPerWeek(interviews)));
  const d = discoveryCadence(interviews, target, window, trioInterviews, perWeek);
  const brokenAt = isoWeekStart(window.to) - (d.currentStreakWeeks + 1) * WEEK_MS;
  return history.complete || brokenAt >= history.from
    ? { ...d, lastInterviewAt: date(d.lastInterviewAt) }
    : undefined;
}

async function discoveryRead(
  ctx: RequestContext,
  teamId: string,
  target: number,
  window: Window,
): Promise<DiscoveryCadenceModel> {
  let span = spanOf(window);
  for (;;) {
    const history = await ctx.teams.history(teamId, span.from);
    const answer = streakWithin(history, target, window);
    if (answer !== undefined) return answer;
    span = { from: history.from - 52 * WEEK_MS, to: window.to };
  }
}

export const deliveryOf = (timeline: TeamTimeline, window: Window): DeliveryCadenceModel => {
  const d = deliveryCadence(timeline.ships, window);
  return { ...d, lastShippedAt: date(d.lastShippedAt) };
};

/** Weekly series of one team, each week clipped to the window. */
export const teamWeeklyTrend = (timeline: TeamTimeline, window: Window, now: number): WeekPointModel[] =>
  weeklyTrend(window, now, () => [timeline]).map((w) => ({ ...w, weekStart: new Date(w.weekStart) }));

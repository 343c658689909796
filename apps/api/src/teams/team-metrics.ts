import {
  type TeamTimeline,
  WEEK_MS,
  type Window,
  blockedIntervalAt,
  deliveryCadence,
  discoveryCadence,
  headcountAt,
  idleness,
  inWindow,
  weeksOverlapping,
} from '@orgpulse/domain';
import type { DeliveryCadenceModel, DiscoveryCadenceModel, TeamModel, WeekPointModel } from './team.models';

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

export const teamNow = (timeline: TeamTimeline, now: number): TeamModel => {
  const interval = blockedIntervalAt(timeline, now);
  return {
    id: timeline.teamId,
    name: timeline.name,
    groupId: timeline.groupId,
    headcount: headcountAt(timeline, now),
    blocked: interval !== undefined,
    blockedSince: date(interval?.start ?? null),
  };
};

export const discoveryOf = (
  timeline: TeamTimeline,
  target: number,
  window: Window,
): DiscoveryCadenceModel => {
  const d = discoveryCadence(timeline.interviews, target, window);
  return { ...d, lastInterviewAt: date(d.lastInterviewAt) };
};

export const deliveryOf = (timeline: TeamTimeline, window: Window): DeliveryCadenceModel => {
  const d = deliveryCadence(timeline.ships, window);
  return { ...d, lastShippedAt: date(d.lastShippedAt) };
};

/** Weekly series over the teams given (one team, or a group's teams), each week clipped to the window. */
export function weeklyTrend(
  timelines: readonly TeamTimeline[],
  window: Window,
  now: number,
): WeekPointModel[] {
  return weeksOverlapping(window).map((monday) => {
    const week = { from: Math.max(monday, window.from), to: Math.min(monday + WEEK_MS, window.to) };
    return {
      weekStart: new Date(monday),
      idlePersonDays: timelines.reduce((sum, t) => sum + idleness(t, week, now).idlePersonDays, 0),
      interviews: timelines.reduce(
        (sum, t) => sum + t.interviews.filter((at) => inWindow(at, week)).length,
        0,
      ),
      ships: timelines.reduce((sum, t) => sum + t.ships.filter((at) => inWindow(at, week)).length, 0),
    };
  });
}

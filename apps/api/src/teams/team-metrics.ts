import {
  type TeamTimeline,
  type Window,
  blockedIntervalAt,
  deliveryCadence,
  discoveryCadence,
  headcountAt,
  weeklyTrend,
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
  const d = discoveryCadence(timeline.interviews, target, window, timeline.trioInterviews);
  return { ...d, lastInterviewAt: date(d.lastInterviewAt) };
};

export const deliveryOf = (timeline: TeamTimeline, window: Window): DeliveryCadenceModel => {
  const d = deliveryCadence(timeline.ships, window);
  return { ...d, lastShippedAt: date(d.lastShippedAt) };
};

/** Weekly series of one team, each week clipped to the window. */
export const teamWeeklyTrend = (timeline: TeamTimeline, window: Window, now: number): WeekPointModel[] =>
  weeklyTrend(window, now, () => [timeline]).map((w) => ({ ...w, weekStart: new Date(w.weekStart) }));

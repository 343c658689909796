import { DAY_MS, WEEK_MS, type Window, completeWeeks, inWindow, isoWeekStart } from '../time/window';

export interface DiscoveryCadence {
  interviews: number;
  weeksInWindow: number;
  weeksMeetingTarget: number;
  adherence: number;
  currentStreakWeeks: number;
  lastInterviewAt: number | null;
  daysSinceLast: number | null;
  trioInterviews: number;
  /** trioInterviews / interviews; null when there were no interviews. */
  trioShare: number | null;
}

export interface DeliveryCadence {
  ships: number;
  lastShippedAt: number | null;
  daysSinceLast: number | null;
}

const countIn = (times: readonly number[], window: Window) => {
  let n = 0;
  for (const t of times) if (inWindow(t, window)) n += 1;
  return n;
};

/** Interviews per ISO week, by its Monday: what discoveryCadence looks weeks up in. */
export function interviewsPerWeek(interviews: readonly number[]): Map<number, number> {
  const perWeek = new Map<number, number>();
  for (const t of interviews) {
    const monday = isoWeekStart(t);
    perWeek.set(monday, (perWeek.get(monday) ?? 0) + 1);
  }
  return perWeek;
}

/** The latest time strictly before `to`. */
const latestBefore = (times: readonly number[], to: number): number | null =>
  times.reduce<number | null>((latest, t) => (t < to && (latest === null || t > latest) ? t : latest), null);

/**
 * Contract §4, discovery cadence: `interviews` in any order, `target` interviews per ISO week (≥ 1);
 * §8, the product trio's share: `trio` are the interviews pm, designer and engineer held together.
 * `perWeek` is interviewsPerWeek(interviews), which a caller asking of the same interviews again may keep.
 */
export function discoveryCadence(
  interviews: readonly number[],
  target: number,
  window: Window,
  trio: readonly number[] = [],
  perWeek: ReadonlyMap<number, number> = interviewsPerWeek(interviews),
): DiscoveryCadence {
  // a week's check is a lookup, not a pass over every interview
  const meets = (monday: number) => (perWeek.get(monday) ?? 0) >= target;
  const weeks = completeWeeks(window);
  const weeksMeetingTarget = weeks.filter(meets).length;

  // Back from the last complete week that ends at or before `to`, not limited by `from`.
  const earliest = interviews.reduce((min, t) => (t < min ? t : min), Infinity);
  let streak = 0;
  for (
    let monday = isoWeekStart(window.to) - WEEK_MS;
    monday + WEEK_MS > earliest && meets(monday);
    monday -= WEEK_MS
  ) {
    streak += 1;
  }
  const last = latestBefore(interviews, window.to);
  const held = countIn(interviews, window);
  const trioInterviews = countIn(trio, window);
  return {
    interviews: held,
    trioInterviews,
    trioShare: held === 0 ? null : trioInterviews / held,
    weeksInWindow: weeks.length,
    weeksMeetingTarget,
    adherence: weeks.length === 0 ? 0 : weeksMeetingTarget / weeks.length,
    currentStreakWeeks: streak,
    lastInterviewAt: last,
    daysSinceLast: last === null ? null : (window.to - last) / DAY_MS,
  };
}

/** Contract §4, delivery cadence. */
export function deliveryCadence(ships: readonly number[], window: Window): DeliveryCadence {
  const last = latestBefore(ships, window.to);
  return {
    ships: countIn(ships, window),
    lastShippedAt: last,
    daysSinceLast: last === null ? null : (window.to - last) / DAY_MS,
  };
}

/** Mondays of the ISO weeks that overlap the window, for weekly trend series. */
export function weeksOverlapping(window: Window): number[] {
  const weeks: number[] = [];
  for (let monday = isoWeekStart(window.from); monday < window.to; monday += WEEK_MS) weeks.push(monday);
  return weeks;
}

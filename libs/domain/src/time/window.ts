export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** A half-open window [from, to) in epoch milliseconds, UTC. */
export interface Window {
  from: number;
  to: number;
}

/** Length of [start, end) inside the window. */
export const overlapMs = (start: number, end: number, window: Window): number =>
  Math.max(0, Math.min(end, window.to) - Math.max(start, window.from));

export const inWindow = (at: number, window: Window): boolean => at >= window.from && at < window.to;

/** 1970-01-05T00:00Z, a Monday: every later or earlier Monday is a whole number of weeks from it. */
export const FIRST_MONDAY = 4 * DAY_MS;

/** Monday 00:00 UTC of the ISO week that contains `at` (arithmetic: no Date per call on hot paths). */
export function isoWeekStart(at: number): number {
  return Math.floor((at - FIRST_MONDAY) / WEEK_MS) * WEEK_MS + FIRST_MONDAY;
}

/** The complete ISO weeks [Monday, next Monday) that lie inside the window, by their Mondays. */
export function completeWeeks(window: Window): number[] {
  const weekOfFrom = isoWeekStart(window.from);
  const first = weekOfFrom === window.from ? weekOfFrom : weekOfFrom + WEEK_MS;
  const weeks: number[] = [];
  for (let monday = first; monday + WEEK_MS <= window.to; monday += WEEK_MS) weeks.push(monday);
  return weeks;
}

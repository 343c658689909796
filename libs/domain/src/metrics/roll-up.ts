import { type TeamTimeline, blockedIntervalAt, isRegisteredAt } from '../teams/team-timeline';
import { WEEK_MS, type Window, inWindow } from '../time/window';
import { weeksOverlapping } from './cadence';
import { idleCostOf, idleness } from './idleness';

/** Contract §4's org overview and §8's roll-up figures. */
export interface Overview {
  teams: number;
  blockedTeams: number;
  idlePersonDays: number;
  blockedHours: number;
  interviews: number;
  trioInterviews: number;
  ships: number;
  /** null while the org has no idleCostPerPersonDay. */
  idleCost: number | null;
}

const countIn = (times: readonly number[], window: Window) => times.filter((t) => inWindow(t, window)).length;

/**
 * `teams` and `blockedTeams` count the teams of `counted` registered at min(to, now); the figures are
 * sums over `summed` (all teams for the org overview, the members for a roll-up).
 */
export function overviewOf(
  counted: readonly TeamTimeline[],
  summed: readonly TeamTimeline[],
  window: Window,
  now: number,
  idleCostPerPersonDay: number | null,
): Overview {
  const t = Math.min(window.to, now);
  const active = counted.filter((tl) => isRegisteredAt(tl, t));
  let idlePersonDays = 0;
  let blockedHours = 0;
  let interviews = 0;
  let trioInterviews = 0;
  let ships = 0;
  for (const team of summed) {
    const idle = idleness(team, window, now);
    idlePersonDays += idle.idlePersonDays;
    blockedHours += idle.blockedHours;
    interviews += countIn(team.interviews, window);
    trioInterviews += countIn(team.trioInterviews, window);
    ships += countIn(team.ships, window);
  }
  return {
    teams: active.length,
    blockedTeams: active.filter((tl) => blockedIntervalAt(tl, t) !== undefined).length,
    idlePersonDays,
    blockedHours,
    interviews,
    trioInterviews,
    ships,
    idleCost: idleCostOf(idlePersonDays, idleCostPerPersonDay),
  };
}

/** A group roll-up (§8): `members` are the teams already chosen as of min(to, now). */
export const rollUp = (
  members: readonly TeamTimeline[],
  window: Window,
  now: number,
  idleCostPerPersonDay: number | null,
): Overview => overviewOf(members, members, window, now, idleCostPerPersonDay);

export interface WeekPoint {
  weekStart: number;
  idlePersonDays: number;
  interviews: number;
  ships: number;
}

/**
 * Weekly series, each ISO week clipped to the window [ws, we); `membersAt(t)` gives the teams counted
 * for a week ending at t = min(we, now) (one team, or a group's members as of then).
 */
export function weeklyTrend(
  window: Window,
  now: number,
  membersAt: (t: number) => readonly TeamTimeline[],
): WeekPoint[] {
  return weeksOverlapping(window).map((monday) => {
    const week = { from: Math.max(monday, window.from), to: Math.min(monday + WEEK_MS, window.to) };
    const teams = membersAt(Math.min(week.to, now));
    return {
      weekStart: monday,
      idlePersonDays: teams.reduce((sum, t) => sum + idleness(t, week, now).idlePersonDays, 0),
      interviews: teams.reduce((sum, t) => sum + countIn(t.interviews, week), 0),
      ships: teams.reduce((sum, t) => sum + countIn(t.ships, week), 0),
    };
  });
}

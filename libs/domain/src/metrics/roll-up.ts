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
 * The overview's figures added up team by team, a slice of teams at a time if need be: the same figures,
 * in the same order, as one pass over every team, without holding every team's timeline at once.
 */
export class OverviewSums {
  private teams = 0;
  private blockedTeams = 0;
  private idlePersonDays = 0;
  private blockedHours = 0;
  private interviews = 0;
  private trioInterviews = 0;
  private ships = 0;

  constructor(
    private readonly window: Window,
    private readonly now: number,
  ) {}

  /** Counts those of `timelines` registered at min(to, now), and those of them blocked then. */
  count(timelines: readonly TeamTimeline[]): this {
    const t = Math.min(this.window.to, this.now);
    for (const tl of timelines)
      if (isRegisteredAt(tl, t)) {
        this.teams += 1;
        if (blockedIntervalAt(tl, t) !== undefined) this.blockedTeams += 1;
      }
    return this;
  }

  /** Adds the teams' idleness, interviews and ships over the window. */
  sum(timelines: readonly TeamTimeline[]): this {
    for (const team of timelines) {
      const idle = idleness(team, this.window, this.now);
      this.idlePersonDays += idle.idlePersonDays;
      this.blockedHours += idle.blockedHours;
      this.interviews += countIn(team.interviews, this.window);
      this.trioInterviews += countIn(team.trioInterviews, this.window);
      this.ships += countIn(team.ships, this.window);
    }
    return this;
  }

  overview(idleCostPerPersonDay: number | null): Overview {
    return {
      teams: this.teams,
      blockedTeams: this.blockedTeams,
      idlePersonDays: this.idlePersonDays,
      blockedHours: this.blockedHours,
      interviews: this.interviews,
      trioInterviews: this.trioInterviews,
      ships: this.ships,
      idleCost: idleCostOf(this.idlePersonDays, idleCostPerPersonDay),
    };
  }
}

/**
 * `teams` and `blockedTeams` count the teams of `counted` registered at min(to, now); the figures are
 * sums over `summed` (all teams for the org overview, the members for a roll-up).
 */
export const overviewOf = (
  counted: readonly TeamTimeline[],
  summed: readonly TeamTimeline[],
  window: Window,
  now: number,
  idleCostPerPersonDay: number | null,
): Overview => new OverviewSums(window, now).count(counted).sum(summed).overview(idleCostPerPersonDay);

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

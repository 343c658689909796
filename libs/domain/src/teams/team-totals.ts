import type { DayTotals, Fact } from '../projections/read-model';
import { DAY_MS, type Window } from '../time/window';
import type { TeamFact } from './team-facts';
import type { TeamHead } from './team-head';

/**
 * The org-wide sums of contract §4 and §8 per day. Blocked time is kept as the change points of two levels,
 * the number of teams blocked and the number of people in them: per day the sum of the changes (`*_change`)
 * and of change × its time in ms (`*_change_ms`), from which any window's integral follows exactly (see
 * integrateLevel). Interviews, trio interviews and ships are counted in their day. The number of teams
 * registered, and of those blocked, are levels read at an instant (contract §4's counts at a past t): their
 * changes are kept in the day that ends at or after them, (day, day + 1 day], so the days before a
 * midnight t sum up every change at or before t, as the counts from heads and weeks include facts at t.
 */
export const TEAM_TOTALS = [
  'blocked_teams_change',
  'blocked_teams_change_ms',
  'blocked_people_change',
  'blocked_people_change_ms',
  'interviews',
  'trio_interviews',
  'ships',
  'registered_teams_change',
  'registered_blocked_change',
] as const;
const [TEAMS, TEAMS_MS, PEOPLE, PEOPLE_MS, INTERVIEWS, TRIO, SHIPS, REGISTERED, REGISTERED_BLOCKED] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8,
];

const dayOf = (at: number) => Math.floor(at / DAY_MS) * DAY_MS;

/** What a team's facts add to each day: the changes of its blocked levels, and its interviews and ships. */
export function teamDayTotals(start: TeamHead, facts: readonly Fact<TeamFact>[]): Map<number, bigint[]> {
  const sums = new Map<number, bigint[]>();
  const add = (at: number, column: number, value: bigint) => {
    const day = dayOf(at);
    let row = sums.get(day);
    if (row === undefined) sums.set(day, (row = TEAM_TOTALS.map(() => 0n)));
    row[column] += value;
  };
  const change = (at: number, teams: number, people: number) => {
    if (teams !== 0) {
      add(at, TEAMS, BigInt(teams));
      add(at, TEAMS_MS, BigInt(teams) * BigInt(at));
    }
    if (people !== 0) {
      add(at, PEOPLE, BigInt(people));
      add(at, PEOPLE_MS, BigInt(people) * BigInt(at));
    }
  };
  // a change at a midnight belongs to the day it ends: (day, day + 1 day]
  const level = (at: number, registered: number, registeredBlocked: number) => {
    if (registered !== 0) add(at - 1, REGISTERED, BigInt(registered));
    if (registeredBlocked !== 0) add(at - 1, REGISTERED_BLOCKED, BigInt(registeredBlocked));
  };
  let blocked = start.block !== null;
  let registered = start.registered;
  let headcount = start.headcount;
  for (const { at, data } of facts) {
    switch (data.kind) {
      case 'registered':
        if (blocked) change(at, 0, data.headcount - headcount);
        if (!registered) level(at, 1, blocked ? 1 : 0);
        headcount = data.headcount;
        registered = true;
        break;
      case 'archived':
        if (registered) level(at, -1, blocked ? -1 : 0);
        registered = false;
        break;
      case 'blocked':
        if (!blocked) change(at, 1, headcount);
        if (!blocked && registered) level(at, 0, 1);
        blocked = true;
        break;
      case 'unblocked':
        if (blocked) change(at, -1, -headcount);
        if (blocked && registered) level(at, 0, -1);
        blocked = false;
        break;
      case 'interview':
        add(at, INTERVIEWS, 1n);
        if (data.trio) add(at, TRIO, 1n);
        break;
      case 'shipped':
        add(at, SHIPS, 1n);
        break;
      default:
        break;
    }
  }
  for (const [day, row] of sums) if (row.every((v) => v === 0n)) sums.delete(day);
  return sums;
}

export const teamTotals: DayTotals<TeamHead, TeamFact> = { columns: TEAM_TOTALS, of: teamDayTotals };

/**
 * The integral over [from, to) of a level kept as change points: `before` is the sum of the changes
 * before `from`, `within` and `withinMs` the sum of the changes in [from, to) and of change × time. Each
 * change at c counts from max(c, from) to `to`, so the integral is (to − from)·before + to·within − withinMs.
 */
export const integrateLevel = (window: Window, before: bigint, within: bigint, withinMs: bigint): bigint =>
  BigInt(window.to - window.from) * before + BigInt(window.to) * within - withinMs;

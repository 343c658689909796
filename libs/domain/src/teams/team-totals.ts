import type { DayTotals, Fact } from '../projections/read-model';
import { DAY_MS } from '../time/window';
import type { TeamFact } from './team-facts';
import type { TeamHead } from './team-head';

/** The org-wide sums of contract §4 and §8, per day: integers, so sums in any order are exact. */
export const TEAM_TOTALS = [
  'blocked_ms',
  'idle_person_ms',
  'interviews',
  'trio_interviews',
  'ships',
] as const;
const [BLOCKED, IDLE, INTERVIEWS, TRIO, SHIPS] = [0, 1, 2, 3, 4];

const dayOf = (at: number) => Math.floor(at / DAY_MS) * DAY_MS;

/**
 * Blocked time and idle person-time (headcount × blocked time, contract §4) in [from, to), cut at day
 * boundaries, and each interview, trio interview and ship in its day; the span starts in `start`.
 */
export function teamDayTotals(
  start: TeamHead,
  facts: readonly Fact<TeamFact>[],
  from: number,
  to: number,
): Map<number, number[]> {
  const sums = new Map<number, number[]>();
  const add = (day: number, column: number, value: number) => {
    let row = sums.get(day);
    if (row === undefined) sums.set(day, (row = [0, 0, 0, 0, 0]));
    row[column] += value;
  };
  let blocked = start.block !== null;
  let headcount = start.headcount;
  let cursor = from;
  const passTo = (until: number) => {
    const end = Math.min(until, to);
    if (blocked) {
      for (let t = cursor; t < end;) {
        const next = Math.min(dayOf(t) + DAY_MS, end);
        add(dayOf(t), BLOCKED, next - t);
        if (headcount > 0) add(dayOf(t), IDLE, headcount * (next - t));
        t = next;
      }
    }
    cursor = Math.max(cursor, end);
  };
  for (const { at, data } of facts) {
    passTo(at);
    switch (data.kind) {
      case 'registered':
        headcount = data.headcount;
        break;
      case 'blocked':
        blocked = true;
        break;
      case 'unblocked':
        blocked = false;
        break;
      case 'interview':
        add(dayOf(at), INTERVIEWS, 1);
        if (data.trio) add(dayOf(at), TRIO, 1);
        break;
      case 'shipped':
        add(dayOf(at), SHIPS, 1);
        break;
      default:
        break;
    }
  }
  passTo(to);
  return sums;
}

export const teamTotals: DayTotals<TeamHead, TeamFact> = { columns: TEAM_TOTALS, of: teamDayTotals };

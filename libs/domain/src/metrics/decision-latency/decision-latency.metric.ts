import { declareMetric } from '../../projections/metric';
import type { Fact } from '../../projections/read-model';
import { HOUR_MS, type Window, inWindow } from '../../time/window';

/** A decision a team waited for (`decision.made`, at the time it was made): how long it waited. */
export interface Decision {
  waitedMs: number;
}

/**
 * The team's latest decision. No count: a late decision would then move the head every later week starts
 * from, and re-fold all of them; the latest moves only the weeks up to the next decision.
 */
export interface DecisionHead {
  lastDecidedAt: number | null;
}

/** A team's decisions made in a window, and how long they waited (hours; null without decisions). */
export interface DecisionLatency {
  decisions: number;
  medianHours: number | null;
  p90Hours: number | null;
  longestHours: number | null;
}

/**
 * What a decision waited: from `requestedAt` to the event's `occurredAt`. One said to be made before it
 * was requested waited nothing (the two clocks disagree; the decision still counts).
 */
const waited = (occurredAt: string, requestedAt: string): number =>
  Math.max(0, Date.parse(occurredAt) - Date.parse(requestedAt));

export const decisionLatencyMetric = declareMetric<DecisionHead, Decision>({
  readModel: {
    name: 'decision',
    version: 1,
    subjectKind: 'team',
    initial: () => ({ lastDecidedAt: null }),
    fact: (event) =>
      event.type === 'decision.made'
        ? { waitedMs: waited(event.occurredAt, event.data.requestedAt) }
        : undefined,
    evolve: (head, { at }) => ({
      lastDecidedAt: head.lastDecidedAt === null ? at : Math.max(head.lastDecidedAt, at),
    }),
    history: true,
  },
  example: (teamId, n) => ({
    type: 'decision.made',
    data: { teamId, requestedAt: new Date(Date.UTC(2026, 0, 1) + (n % 97) * HOUR_MS).toISOString() },
  }),
});

const hours = (ms: number): number => Math.round((ms / HOUR_MS) * 10) / 10;

/** The q-quantile of sorted values by nearest rank: a latency some decision really had. */
const nearestRank = (sorted: readonly number[], q: number): number =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];

/** Decision latency over a window: the decisions made in it, their median, 90th percentile and longest wait. */
export function decisionLatency(facts: Iterable<Fact<Decision>>, window: Window): DecisionLatency {
  const waits: number[] = [];
  for (const fact of facts) if (inWindow(fact.at, window)) waits.push(fact.data.waitedMs);
  if (waits.length === 0) return { decisions: 0, medianHours: null, p90Hours: null, longestHours: null };
  waits.sort((a, b) => a - b);
  return {
    decisions: waits.length,
    medianHours: hours(nearestRank(waits, 0.5)),
    p90Hours: hours(nearestRank(waits, 0.9)),
    longestHours: hours(waits[waits.length - 1]),
  };
}

import type { HealthProblem } from '@orgpulse/platform';

export interface LagSample {
  at: number;
  total: number;
}

export interface StalledWorkFacts {
  now: number;
  stuckAfterMs: number;
  failing: ReadonlyMap<number, { since: number; error: string }>;
  lag: ReadonlyMap<number, number>;
  /** when each partition's stored offset last moved (or its lag was last 0) */
  advancedAt: ReadonlyMap<number, { at: number }>;
  lagSamples: readonly LagSample[];
  deadLetterBacklog: { count: number; oldestAgeSeconds: number };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Work stuck for longer than `stuckAfterMs`: a partition whose batches keep failing, a partition with
 * records waiting whose offset stands still, a lag that grew at every measurement over the whole span,
 * or dead letters that do not reach their topic. A blip shorter than the span is not a problem.
 */
export function stalledWork(facts: StalledWorkFacts): HealthProblem[] {
  const { now, stuckAfterMs } = facts;
  const problems: HealthProblem[] = [];
  for (const [partition, { since, error }] of facts.failing) {
    if (now - since >= stuckAfterMs)
      problems.push({ problem: `partition ${partition}: batches failing`, since: iso(since), detail: error });
  }
  for (const [partition, lag] of facts.lag) {
    const advanced = facts.advancedAt.get(partition);
    if (lag > 0 && advanced && now - advanced.at >= stuckAfterMs && !facts.failing.has(partition))
      problems.push({
        problem: `partition ${partition}: ${lag} records waiting and its offset has not moved`,
        since: iso(advanced.at),
      });
  }
  const window = facts.lagSamples.filter((s) => s.at >= now - stuckAfterMs);
  const first = window[0];
  const grewThroughout =
    window.length >= 3 &&
    first.at <= now - stuckAfterMs * 0.9 &&
    window.every((s, i) => i === 0 || s.total > window[i - 1].total);
  if (grewThroughout)
    problems.push({
      problem: `lag grew at every measurement, from ${first.total} to ${window[window.length - 1].total}`,
      since: iso(first.at),
    });
  const { count, oldestAgeSeconds } = facts.deadLetterBacklog;
  if (count > 0 && oldestAgeSeconds * 1000 >= stuckAfterMs)
    problems.push({
      problem: `${count} dead letters not yet on the dead-letter topic`,
      since: iso(now - oldestAgeSeconds * 1000),
    });
  return problems;
}

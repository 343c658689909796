import { type Spread, spread } from './stats';

/** The shape of one run's figures with every number replaced by its spread over the runs. */
export type Spreads<T> = T extends number
  ? Spread
  : T extends readonly (infer U)[]
    ? Spreads<U>[]
    : T extends object
      ? { [K in keyof T]: Spreads<T[K]> }
      : T;

/**
 * Every numeric figure of the runs as median, min and max, in the runs' own shape: arrays are matched
 * by index, objects by key (a key missing from some runs is summarised over the runs that have it);
 * anything not a number (a name, a flag) is taken from the first run that has it.
 */
export function summariseRuns<T>(runs: readonly T[]): Spreads<T> {
  return summarise(runs) as Spreads<T>;
}

function summarise(values: readonly unknown[]): unknown {
  const present = values.filter((v) => v !== undefined);
  const first = present[0];
  if (typeof first === 'number') return spread(present.map((v) => (typeof v === 'number' ? v : Number.NaN)));
  if (Array.isArray(first)) {
    const length = Math.max(...present.map((v) => (Array.isArray(v) ? v.length : 0)));
    return Array.from({ length }, (_, i) => summarise(present.map((v) => (v as unknown[])[i])));
  }
  if (first !== null && typeof first === 'object') {
    const keys = [...new Set(present.flatMap((v) => Object.keys(v as object)))];
    return Object.fromEntries(
      keys.map((key) => [key, summarise(present.map((v) => (v as Record<string, unknown>)[key]))]),
    );
  }
  return first;
}

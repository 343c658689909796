/** An event as the store hands it back: `position` is its arrival order, the tie-breaker. */
export interface Positioned {
  occurredAt: string;
  position: bigint | number;
}

/** Metrics order events by occurredAt, ties by arrival (contract §3). */
export function byOccurrence(a: Positioned, b: Positioned): number {
  const diff = Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
  if (diff !== 0) return diff;
  return a.position < b.position ? -1 : a.position > b.position ? 1 : 0;
}

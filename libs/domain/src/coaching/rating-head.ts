import type { Fact } from '../projections/read-model';
import type { RatingFact } from './coaching-facts';

/** The latest level of one competency of one person, and which rating it was (time, then arrival). */
export interface SeenLevel {
  level: number;
  at: number;
  position: number;
}

/**
 * A manager's latest level seen per person and competency: what a person's progress reads. Its size
 * grows with the people and competencies the manager rated, not with the number of 1:1s.
 */
export interface RatingHead {
  managerId: string;
  latest: Record<string, Record<string, SeenLevel>>;
}

export const emptyRatingHead = (managerId: string): RatingHead => ({ managerId, latest: {} });

/** Later in occurrence order (ties: arrival) is later. */
export const isLater = (a: SeenLevel, b: SeenLevel | undefined): boolean =>
  b === undefined || a.at > b.at || (a.at === b.at && a.position > b.position);

export function evolveRatingHead(head: RatingHead, { at, position, data }: Fact<RatingFact>): RatingHead {
  if (data.ratings.length === 0) return head;
  const levels = { ...(head.latest[data.reportId] ?? {}) };
  // within one 1:1 a competency named twice: the later entry is the level seen
  for (const { competency, level } of data.ratings) {
    const seen = { level, at, position };
    if (isLater(seen, levels[competency]) || levels[competency]?.position === position)
      levels[competency] = seen;
  }
  return { ...head, latest: { ...head.latest, [data.reportId]: levels } };
}

/** The latest level per competency of one person over the heads of every manager who rated them. */
export function latestLevels(personId: string, heads: Iterable<RatingHead>): Map<string, SeenLevel> {
  const merged = new Map<string, SeenLevel>();
  for (const head of heads)
    for (const [competency, seen] of Object.entries(head.latest[personId] ?? {}))
      if (isLater(seen, merged.get(competency))) merged.set(competency, seen);
  return merged;
}

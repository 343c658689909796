import type { AcceptedEvent } from '@orgpulse/contracts';

/** A competency of a plan with its target level (contract §14). */
export interface Competency {
  name: string;
  target: number;
}

/** What a person's plan model keeps of `coaching.plan-set`: the plan, replacing the one before. */
export interface PlanFact {
  competencies: Competency[];
  managerId: string | null;
}

export function planFactOf(event: AcceptedEvent): PlanFact | undefined {
  if (event.type !== 'coaching.plan-set') return undefined;
  const { competencies, managerId } = event.data;
  return {
    competencies: competencies.map(({ name, target }) => ({ name, target })),
    managerId: managerId ?? null,
  };
}

/** A level a manager saw in a 1:1. */
export interface Rating {
  competency: string;
  level: number;
}

/** What a manager's rating model keeps of a 1:1 that recorded levels: whom, and the levels seen. */
export interface RatingFact {
  reportId: string;
  ratings: Rating[];
}

/**
 * A 1:1 that recorded no level is no rating: the manager model keeps every 1:1 (and counts them), so an
 * org that does not rate pays nothing here.
 */
export function ratingFactOf(event: AcceptedEvent): RatingFact | undefined {
  if (event.type !== 'one-on-one.held') return undefined;
  const { reportId, ratings } = event.data;
  if (ratings === undefined || ratings.length === 0) return undefined;
  return { reportId, ratings: ratings.map(({ competency, level }) => ({ competency, level })) };
}

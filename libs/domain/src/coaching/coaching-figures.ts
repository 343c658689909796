import type { PlanHead } from './plan-head';
import type { SeenLevel } from './rating-head';

/** One competency of a plan at asOf (contract §14). */
export interface CompetencyProgress {
  competency: string;
  target: number;
  level: number | null;
  ratedAt: number | null;
  gap: number;
}

/** A person's coaching at asOf: their plan then, with the latest levels seen up to then. */
export interface PersonCoaching {
  planSetAt: number;
  competencies: CompetencyProgress[];
  averageGap: number;
  ratedShare: number;
  lastRatedAt: number | null;
}

/**
 * `plan` and `levels` as of asOf (the latest plan set at or before it, the latest rating per competency
 * at or before it, from any manager, before or after the plan was set); null without a plan.
 */
export function personCoaching(
  plan: PlanHead['plan'],
  levels: ReadonlyMap<string, Pick<SeenLevel, 'level' | 'at'>>,
): PersonCoaching | null {
  if (plan === null) return null;
  const competencies = plan.competencies.map(({ name, target }): CompetencyProgress => {
    const seen = levels.get(name);
    return {
      competency: name,
      target,
      level: seen?.level ?? null,
      ratedAt: seen?.at ?? null,
      gap: seen === undefined ? target : Math.max(0, target - seen.level),
    };
  });
  const rated = competencies.filter((c) => c.ratedAt !== null);
  return {
    planSetAt: plan.setAt,
    competencies,
    averageGap: competencies.reduce((sum, c) => sum + c.gap, 0) / competencies.length,
    ratedShare: rated.length / competencies.length,
    lastRatedAt: rated.length === 0 ? null : Math.max(...rated.map((c) => c.ratedAt as number)),
  };
}

/** A manager's coaching at asOf over their direct reports then, and over a window of their 1:1s. */
export interface ManagerCoaching {
  reports: number;
  planCoverage: number | null;
  weakest: { personId: string; averageGap: number } | null;
  oneOnOnes: number;
  ratedOneOnOnes: number;
  ratingShare: number | null;
}

/** A manager's 1:1s in a window: how many, and how many of them recorded a level. */
export interface HeldOneOnOnes {
  held: number;
  rated: number;
}

/**
 * `reports`: each direct report at asOf with their coaching then (null without a plan); `held`: the
 * manager's 1:1s in the window. The weakest report is the one with a plan with the highest averageGap,
 * ties to the smallest personId.
 */
export function managerCoaching(
  reports: readonly { personId: string; coaching: Pick<PersonCoaching, 'averageGap'> | null }[],
  { held, rated }: HeldOneOnOnes,
): ManagerCoaching {
  const planned = reports.filter((r) => r.coaching !== null);
  let weakest: ManagerCoaching['weakest'] = null;
  for (const { personId, coaching } of planned) {
    const averageGap = (coaching as PersonCoaching).averageGap;
    if (
      weakest === null ||
      averageGap > weakest.averageGap ||
      (averageGap === weakest.averageGap && personId < weakest.personId)
    )
      weakest = { personId, averageGap };
  }
  return {
    reports: reports.length,
    planCoverage: reports.length === 0 ? null : planned.length / reports.length,
    weakest,
    oneOnOnes: held,
    ratedOneOnOnes: rated,
    ratingShare: held === 0 ? null : rated / held,
  };
}

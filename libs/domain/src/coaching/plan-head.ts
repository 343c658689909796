import type { Fact } from '../projections/read-model';
import type { Competency, PlanFact } from './coaching-facts';

/** A person's coaching plan as of their latest plan event: the latest one replaces every earlier one. */
export interface PlanHead {
  personId: string;
  plan: { setAt: number; managerId: string | null; competencies: Competency[] } | null;
}

export const emptyPlanHead = (personId: string): PlanHead => ({ personId, plan: null });

export const evolvePlanHead = (head: PlanHead, { at, data }: Fact<PlanFact>): PlanHead => ({
  personId: head.personId,
  plan: { setAt: at, managerId: data.managerId, competencies: data.competencies },
});

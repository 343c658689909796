import type { PlanHead } from '../coaching/plan-head';
import type { RatingHead } from '../coaching/rating-head';
import type { ManagerHead } from '../people/manager-head';
import type { PersonHead } from '../people/person-head';
import type { TeamHead } from '../teams/team-head';
import { type AlertRule, teamAlertRules } from './alert-rules';

/** A rule and subject to judge again because an event changed what the rule reads. */
export interface AlertMark {
  rule: AlertRule;
  subjectId: string;
}

/**
 * A subject's head before and after a projection transaction. `before` undefined: no head was
 * stored before it (should the caller not know it, what is stored, if anything, is the before).
 */
export type HeadChange =
  | { kind: 'team'; before: TeamHead | undefined; after: TeamHead; since: number }
  | { kind: 'person'; before: PersonHead | undefined; after: PersonHead; since: number }
  | { kind: 'manager'; before: ManagerHead | undefined; after: ManagerHead; since: number }
  | { kind: 'plan'; before: PlanHead | undefined; after: PlanHead; since: number }
  | { kind: 'rating'; before: RatingHead | undefined; after: RatingHead; since: number };

export interface HeadChangeMarks {
  marks: AlertMark[];
  /** a person whose stored manager (the one before this change, not known here) is marked too */
  storedManagerOf: string | null;
}

/** What the team rules read (names, groups and block reasons change none of them). */
const teamRuleInputs = (h: TeamHead) =>
  [
    h.registered,
    h.registeredSince,
    h.headcount,
    h.block?.since ?? null,
    h.lastInterviewAt,
    h.lastShipAt,
  ].join('|');

/** What COACHING_STALLED reads of a plan (targets change none of it). */
const planRuleInputs = ({ plan }: PlanHead) =>
  plan === null ? '' : JSON.stringify([plan.setAt, plan.competencies.map((c) => c.name)]);

type Levels = RatingHead['latest'][string];

/** Whether a report's latest levels are unchanged (a 1:1 without ratings leaves them as they were). */
function sameLevels(a: Levels | undefined, b: Levels): boolean {
  const names = Object.keys(b);
  if (a === undefined || Object.keys(a).length !== names.length) return false;
  return names.every((n) => a[n]?.at === b[n].at && a[n]?.level === b[n].level);
}

/**
 * The rules and subjects a head change marks (`since`: the earliest occurrence among the new events):
 * a team's three rules; for a person, their overdue rule and the overload of the manager they left and
 * the one they joined; for a manager's 1:1s, the overdue rule of each report met; for a person's plan,
 * their stalled coaching; for a manager's ratings, the stalled coaching of each report whose levels moved.
 */
export function alertMarksOf(change: HeadChange): HeadChangeMarks {
  const none: HeadChangeMarks = { marks: [], storedManagerOf: null };
  switch (change.kind) {
    case 'team': {
      const { before, after } = change;
      if (before && teamRuleInputs(before) === teamRuleInputs(after)) return none;
      return {
        marks: teamAlertRules.map((rule) => ({ rule, subjectId: after.teamId })),
        storedManagerOf: null,
      };
    }
    case 'person': {
      const { before, after } = change;
      const marks: AlertMark[] = [];
      const managerChanged = before === undefined || before.managerId !== after.managerId;
      if (managerChanged || before.managerSince !== after.managerSince)
        marks.push({ rule: 'ONE_ON_ONE_OVERDUE', subjectId: after.personId });
      if (managerChanged) {
        for (const managerId of new Set([before?.managerId ?? null, after.managerId]))
          if (managerId !== null) marks.push({ rule: 'MANAGER_OVERLOADED', subjectId: managerId });
      }
      return { marks, storedManagerOf: before === undefined ? after.personId : null };
    }
    case 'manager': {
      const { before, after, since } = change;
      const met = Object.entries(after.lastOneOnOneWith).filter(([reportId, at]) =>
        before === undefined ? at >= since : before.lastOneOnOneWith[reportId] !== at,
      );
      return {
        marks: met.map(([reportId]) => ({ rule: 'ONE_ON_ONE_OVERDUE', subjectId: reportId })),
        storedManagerOf: null,
      };
    }
    case 'plan': {
      const { before, after } = change;
      if (before && planRuleInputs(before) === planRuleInputs(after)) return none; // an older plan, late
      return { marks: [{ rule: 'COACHING_STALLED', subjectId: after.personId }], storedManagerOf: null };
    }
    case 'rating': {
      const { before, after, since } = change;
      const rated = Object.entries(after.latest).filter(([reportId, levels]) =>
        before === undefined
          ? Object.values(levels).some((seen) => seen.at >= since)
          : !sameLevels(before.latest[reportId], levels),
      );
      return {
        marks: rated.map(([reportId]) => ({ rule: 'COACHING_STALLED', subjectId: reportId })),
        storedManagerOf: null,
      };
    }
  }
}

/**
 * What alerting does with old events (a backfill, a long-delayed sync), so that importing a year neither
 * churns alerts nor delays live ones: a subject changed only by events older than `oldAfterMs` is judged
 * once it has had no such change for `settleMs` (at the latest `maxDelayMs` after the first one), in a
 * lane of its own that yields to live changes and due thresholds; a live change is judged within
 * ALERT_LIVE_BATCH_MS.
 * Such a change moves its subject's judgement later only by `remarkStepMs` or more, so an import's
 * stream of batches writes a subject's mark about once a step, not once a batch: the quiet time waited
 * for is then between `settleMs - remarkStepMs` and `settleMs`.
 */
export const ALERT_BACKFILL_POLICY = {
  oldAfterMs: 60 * 60_000,
  settleMs: 10_000,
  maxDelayMs: 10 * 60_000,
  remarkStepMs: 1_000,
} as const;

/**
 * Live changes of a rule and subject are judged together: one is due this long after the first of them
 * not yet judged (later ones do not postpone it). A subject changing many times a second is then judged
 * about once a second, not once per projection batch, and the alerter's rounds (which hold the rows they
 * judge until they commit) meet the projector's marks of busy subjects that much less often; a live alert
 * opens that much later, well within the contract's 60 s.
 */
export const ALERT_LIVE_BATCH_MS = 1_000;

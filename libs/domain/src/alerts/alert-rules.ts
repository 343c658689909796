import type { PlanHead } from '../coaching/plan-head';
import type { ManagerHead } from '../people/manager-head';
import type { PersonHead } from '../people/person-head';
import { DEFAULT_ORG_SETTINGS, type OrgSettings } from '../settings/org-settings';
import type { TeamHead } from '../teams/team-head';
import { DAY_MS, HOUR_MS } from '../time/window';

export const alertRules = [
  'TEAM_IDLE',
  'TEAM_STALLED',
  'DISCOVERY_LAPSED',
  'ONE_ON_ONE_OVERDUE',
  'MANAGER_OVERLOADED',
  'COACHING_STALLED',
] as const;
export type AlertRule = (typeof alertRules)[number];

/** The rules whose subject is a team (the others are about people). */
export const teamAlertRules = [
  'TEAM_IDLE',
  'TEAM_STALLED',
  'DISCOVERY_LAPSED',
] as const satisfies readonly AlertRule[];
export type TeamAlertRule = (typeof teamAlertRules)[number];

export const isTeamAlertRule = (rule: string): rule is TeamAlertRule =>
  (teamAlertRules as readonly string[]).includes(rule);

/** Org-configurable thresholds (contract §6): the alert settings of the org settings. */
export type AlertThresholds = Pick<
  OrgSettings,
  | 'teamIdleHours'
  | 'teamStalledDays'
  | 'discoveryLapsedDays'
  | 'oneOnOneOverdueDays'
  | 'managerOverloadedReports'
  | 'coachingStallDays'
>;

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = DEFAULT_ORG_SETTINGS;

/** A rule whose condition holds now for one subject, with the figures that show it. */
export interface AlertCondition {
  rule: AlertRule;
  subjectId: string;
  /** When the condition became true. */
  since: number;
  figures: Record<string, number | string | null>;
}

/**
 * What one rule says of one subject at `now`: the condition if it holds, else when it will hold if
 * nothing happens (null: only an event can make it hold). The alerter judges the subject again then.
 */
export interface AlertDecision {
  holds: AlertCondition | null;
  dueAt: number | null;
}

/**
 * What the alerter reads to judge one rule for one subject: the subject's head (null when no event names
 * it), the manager's head for a 1:1, the direct-report count for overload.
 */
export type AlertFacts =
  | { rule: TeamAlertRule; subjectId: string; team: TeamHead | null }
  | { rule: 'ONE_ON_ONE_OVERDUE'; subjectId: string; person: PersonHead | null; manager: ManagerHead | null }
  | { rule: 'MANAGER_OVERLOADED'; subjectId: string; directReports: number }
  | {
      rule: 'COACHING_STALLED';
      subjectId: string;
      plan: PlanHead['plan'];
      /** When each competency the person was ever rated on was last rated (any manager). */
      ratedAt: ReadonlyMap<string, number>;
    };

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

/**
 * A condition of the form "quiet since `since` for at least `span`": holds from `since + span` on, and
 * falls due then.
 */
function quietFor(
  since: number,
  span: number,
  now: number,
  condition: (dueAt: number) => AlertCondition,
): AlertDecision {
  const dueAt = since + span;
  return now >= dueAt ? { holds: condition(dueAt), dueAt: null } : { holds: null, dueAt };
}

const NEVER: AlertDecision = { holds: null, dueAt: null };

/** When the team's last ship or interview was, or its registration if later (a quiet spell's start). */
const lastActivityOf = (team: TeamHead, registered: number): number =>
  Math.max(team.lastShipAt ?? registered, team.lastInterviewAt ?? registered, registered);

/** The three team rules over a team's head (contract §6). */
export function decideTeam(
  rule: TeamAlertRule,
  team: TeamHead,
  t: AlertThresholds,
  now: number,
): AlertDecision {
  switch (rule) {
    case 'TEAM_IDLE': {
      const block = team.block;
      if (!block) return NEVER;
      return quietFor(block.since, t.teamIdleHours * HOUR_MS, now, (since) => {
        const blockedMs = Math.max(0, now - block.since);
        return {
          rule,
          subjectId: team.teamId,
          since,
          figures: {
            blockedSince: iso(block.since),
            blockedHours: blockedMs / HOUR_MS,
            // the head keeps today's headcount: the figure counts it over the whole block
            idlePersonDays: (team.headcount * blockedMs) / DAY_MS,
          },
        };
      });
    }
    case 'DISCOVERY_LAPSED': {
      if (!team.registered || team.registeredSince === null) return NEVER;
      const quietSince = Math.max(team.lastInterviewAt ?? team.registeredSince, team.registeredSince);
      return quietFor(quietSince, t.discoveryLapsedDays * DAY_MS, now, (since) => ({
        rule,
        subjectId: team.teamId,
        since,
        figures: {
          lastInterviewAt: iso(team.lastInterviewAt),
          quietSince: iso(quietSince),
          daysWithoutInterview: (now - quietSince) / DAY_MS,
        },
      }));
    }
    case 'TEAM_STALLED': {
      // a blocked team is idle, not stalled: only its unblocking (an event) can start the clock again
      if (!team.registered || team.registeredSince === null || team.block) return NEVER;
      const lastActivity = lastActivityOf(team, team.registeredSince);
      return quietFor(lastActivity, t.teamStalledDays * DAY_MS, now, (since) => ({
        rule,
        subjectId: team.teamId,
        since,
        figures: {
          lastActivityAt: iso(lastActivity),
          daysWithoutShipOrInterview: (now - lastActivity) / DAY_MS,
        },
      }));
    }
  }
}

/**
 * ONE_ON_ONE_OVERDUE over a person's head and their manager's: overdue counts from the last 1:1 with this
 * manager, or from when the person started reporting to them.
 */
export function decideOneOnOne(
  person: PersonHead,
  manager: ManagerHead | null,
  t: AlertThresholds,
  now: number,
): AlertDecision {
  const managerId = person.managerId;
  if (managerId === null || person.managerSince === null) return NEVER;
  const start = person.managerSince;
  const heldAt =
    manager?.managerId === managerId ? (manager.lastOneOnOneWith[person.personId] ?? null) : null;
  const quietSince = Math.max(heldAt ?? start, start);
  return quietFor(quietSince, t.oneOnOneOverdueDays * DAY_MS, now, (since) => ({
    rule: 'ONE_ON_ONE_OVERDUE',
    subjectId: person.personId,
    since,
    figures: {
      managerId,
      lastOneOnOneAt: iso(heldAt),
      quietSince: iso(quietSince),
      daysWithoutOneOnOne: (now - quietSince) / DAY_MS,
    },
  }));
}

/** MANAGER_OVERLOADED over a manager's direct-report count now: only events change it. */
export function decideOverload(
  managerId: string,
  directReports: number,
  t: AlertThresholds,
  now: number,
): AlertDecision {
  if (directReports <= t.managerOverloadedReports) return NEVER;
  return {
    holds: {
      rule: 'MANAGER_OVERLOADED',
      subjectId: managerId,
      since: now,
      figures: { directReports, limit: t.managerOverloadedReports },
    },
    dueAt: null,
  };
}

/** The latest rating of a competency of the plan, or null. */
export function lastPlanRatingAt(
  plan: NonNullable<PlanHead['plan']>,
  ratedAt: ReadonlyMap<string, number>,
): number | null {
  let last: number | null = null;
  for (const { name } of plan.competencies) {
    const at = ratedAt.get(name);
    if (at !== undefined && (last === null || at > last)) last = at;
  }
  return last;
}

/**
 * COACHING_STALLED (contract §14): a person with a plan and no rating of a plan competency for the
 * threshold, counted from the later of the plan's setting and their last such rating.
 */
export function decideCoachingStalled(
  personId: string,
  plan: PlanHead['plan'],
  ratedAt: ReadonlyMap<string, number>,
  t: AlertThresholds,
  now: number,
): AlertDecision {
  if (plan === null) return NEVER;
  const lastRatedAt = lastPlanRatingAt(plan, ratedAt);
  const quietSince = Math.max(plan.setAt, lastRatedAt ?? plan.setAt);
  return quietFor(quietSince, t.coachingStallDays * DAY_MS, now, (since) => ({
    rule: 'COACHING_STALLED',
    subjectId: personId,
    since,
    figures: {
      planSetAt: iso(plan.setAt),
      lastRatedAt: iso(lastRatedAt),
      quietSince: iso(quietSince),
      daysWithoutRating: (now - quietSince) / DAY_MS,
    },
  }));
}

/** One rule for one subject at `now` (contract §6): pure, so time can pass with no new event. */
export function decide(facts: AlertFacts, t: AlertThresholds, now: number): AlertDecision {
  switch (facts.rule) {
    case 'ONE_ON_ONE_OVERDUE':
      return facts.person ? decideOneOnOne(facts.person, facts.manager, t, now) : NEVER;
    case 'MANAGER_OVERLOADED':
      return decideOverload(facts.subjectId, facts.directReports, t, now);
    case 'COACHING_STALLED':
      return decideCoachingStalled(facts.subjectId, facts.plan, facts.ratedAt, t, now);
    default:
      return facts.team ? decideTeam(facts.rule, facts.team, t, now) : NEVER;
  }
}

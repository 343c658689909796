import {
  type GroupFact,
  type GroupHead,
  emptyGroupHead,
  evolveGroupHead,
  groupFactOf,
} from '../groups/group-timeline';
import {
  type ManagerHead,
  emptyManagerHead,
  evolveManagerHead,
  evolveManagerHeadAll,
} from '../people/manager-head';
import { type OneOnOneFact, type PersonFact, oneOnOneFactOf, personFactOf } from '../people/person-facts';
import { type PersonHead, emptyPersonHead, evolvePersonHead } from '../people/person-head';
import { type TeamFact, teamFactOf } from '../teams/team-facts';
import { type TeamHead, emptyTeamHead, evolveTeamHead } from '../teams/team-head';
import { teamTotals } from '../teams/team-totals';
import { type PlanFact, type RatingFact, planFactOf, ratingFactOf } from '../coaching/coaching-facts';
import { type PlanHead, emptyPlanHead, evolvePlanHead } from '../coaching/plan-head';
import { type RatingHead, emptyRatingHead, evolveRatingHead } from '../coaching/rating-head';
import { METRICS } from '../metrics/metrics.generated';
import { type AnyReadModel, declareReadModel } from './read-model';

/**
 * Everything the team metrics need (contract §4, §8): the head now, each week's facts for windows and the
 * past, the groups a team was ever in (roll-ups as of a past time), and the org's sums per day.
 */
export const teamReadModel = declareReadModel<TeamHead, TeamFact>({
  name: 'team',
  // 2: the day totals count registered teams and those blocked (migration 1765100000000)
  // 3: weeks flagged blocked (migration 1765300000000)
  version: 3,
  subjectKind: 'team',
  initial: emptyTeamHead,
  fact: teamFactOf,
  evolve: evolveTeamHead,
  columns: {
    group_id: (head) => head.groupId,
    registered: (head) => (head.registered ? 'yes' : null),
    blocked_since: (head) => (head.block ? new Date(head.block.since).toISOString() : null),
  },
  history: true,
  // who blocks whom over a window reads only the weeks with a blocking team, and a roll-up's blocked time
  // only the weeks with time blocked (contract §8)
  weekFlags: {
    blocked_by: (start, facts) =>
      (start.block !== null && start.block.blockedBy !== null) ||
      facts.some((f) => f.data.kind === 'blocked' && f.data.blockedBy !== null),
    blocked: (start, facts) => start.block !== null || facts.some((f) => f.data.kind === 'blocked'),
  },
  links: (fact) => (fact.kind === 'registered' && fact.groupId !== null ? [fact.groupId] : []),
  totals: teamTotals,
});

/** A person's name, role and reporting line; `links` are every manager they had (span of control in the past). */
export const personReadModel = declareReadModel<PersonHead, PersonFact>({
  name: 'person',
  version: 1,
  subjectKind: 'person',
  initial: emptyPersonHead,
  fact: personFactOf,
  evolve: evolvePersonHead,
  columns: { manager_id: (head) => head.managerId, role: (head) => head.role },
  history: true,
  links: (fact) => (fact.managerId === undefined || fact.managerId === null ? [] : [fact.managerId]),
});

/** The 1:1s a manager held: the latest per report now, and each week's for coverage at any time. */
export const managerReadModel = declareReadModel<ManagerHead, OneOnOneFact>({
  name: 'manager',
  version: 1,
  subjectKind: 'manager',
  initial: emptyManagerHead,
  fact: oneOnOneFactOf,
  evolve: evolveManagerHead,
  evolveAll: evolveManagerHeadAll,
  history: true,
});

/** A group's name and parent over time: the hierarchy as of any time (contract §8). */
export const groupReadModel = declareReadModel<GroupHead, GroupFact>({
  name: 'group',
  version: 1,
  subjectKind: 'group',
  initial: emptyGroupHead,
  fact: groupFactOf,
  evolve: evolveGroupHead,
  columns: { parent_id: (head) => head.parentId },
  history: true,
  links: (fact) => (fact.parentId === null ? [] : [fact.parentId]),
});

/** A person's coaching plan over time (contract §14): the latest plan set at or before any time. */
export const coachingPlanReadModel = declareReadModel<PlanHead, PlanFact>({
  name: 'coaching_plan',
  version: 1,
  subjectKind: 'person',
  initial: emptyPlanHead,
  fact: planFactOf,
  evolve: evolvePlanHead,
  columns: { plan_set_at: (head) => (head.plan ? new Date(head.plan.setAt).toISOString() : null) },
  history: true,
});

/**
 * A manager's 1:1s that recorded levels (contract §14): the latest level per report and competency at any
 * time, each week's rated 1:1s for the rating share over a window (every 1:1 is the manager model's);
 * `links` are the people they rated. Version 2: 1:1s without a level are no longer kept here.
 */
export const ratingReadModel = declareReadModel<RatingHead, RatingFact>({
  name: 'rating',
  version: 2,
  subjectKind: 'manager',
  initial: emptyRatingHead,
  fact: ratingFactOf,
  evolve: evolveRatingHead,
  history: true,
  links: (fact) => [fact.reportId],
});

/**
 * Every read model the projector keeps: the core ones above, then every metric folder's. Their tables
 * follow from the declarations (`ensureDeclaredTables`).
 */
export const READ_MODELS: readonly AnyReadModel[] = [
  teamReadModel,
  personReadModel,
  managerReadModel,
  groupReadModel,
  coachingPlanReadModel,
  ratingReadModel,
  ...METRICS.map((metric) => metric.readModel),
];

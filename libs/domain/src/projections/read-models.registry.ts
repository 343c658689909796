import { type OneOnOne } from '../metrics/one-on-one-cadence';
import { type PersonTimeline, emptyPersonTimeline, evolvePersonTimeline } from '../people/person-timeline';
import {
  type TeamTimeline,
  continueTeamTimeline,
  emptyTeamTimeline,
  evolveTeamTimeline,
} from '../teams/team-timeline';
import { type GroupTimeline, emptyGroupTimeline, evolveGroupTimeline } from '../groups/group-timeline';
import { type AnyReadModel, declareReadModel } from './read-model';
import { type TeamHead, emptyTeamHead, evolveTeamHead } from '../teams/team-head';
import { type PersonHead, emptyPersonHead, evolvePersonHead } from '../people/person-head';
import { type ManagerHead, emptyManagerHead, evolveManagerHead } from '../people/manager-head';

/** Everything the team metrics need (contract §4): lifecycle, headcount, blocked intervals, interviews, ships. */
export const teamTimelineReadModel = declareReadModel<TeamTimeline>({
  name: 'team_timeline',
  // 2: memberships over time and trio interviews (contract §8)
  version: 2,
  subjectKind: 'team',
  initial: emptyTeamTimeline,
  evolve: evolveTeamTimeline,
  evolveAll: continueTeamTimeline,
  columns: { group_id: (timeline) => timeline.groupId },
});

/** A person's reporting line over time (span of control). */
export const personTimelineReadModel = declareReadModel<PersonTimeline>({
  name: 'person_timeline',
  version: 1,
  subjectKind: 'person',
  initial: emptyPersonTimeline,
  evolve: evolvePersonTimeline,
});

/** The 1:1s a manager held, in occurrence order. */
export const managerOneOnOnesReadModel = declareReadModel<OneOnOne[]>({
  name: 'manager_one_on_ones',
  version: 1,
  subjectKind: 'manager',
  initial: () => [],
  evolve: (held, event) =>
    event.type === 'one-on-one.held'
      ? [...held, { reportId: event.data.reportId, at: Date.parse(event.occurredAt) }]
      : held,
  evolveAll: (held, events) => [
    ...held,
    ...events.flatMap((e) =>
      e.type === 'one-on-one.held' ? [{ reportId: e.data.reportId, at: Date.parse(e.occurredAt) }] : [],
    ),
  ],
});

/** A group's names and parents over time: the hierarchy as of any time (contract §8). */
export const groupTimelineReadModel = declareReadModel<GroupTimeline>({
  name: 'group_timeline',
  version: 1,
  subjectKind: 'group',
  initial: emptyGroupTimeline,
  evolve: evolveGroupTimeline,
});

/** A team now, in a fixed size: what alert rules and "now" fields read. */
export const teamHeadReadModel = declareReadModel<TeamHead>({
  name: 'team_head',
  version: 1,
  subjectKind: 'team',
  initial: emptyTeamHead,
  evolve: evolveTeamHead,
  columns: { group_id: (head) => head.groupId },
});

/** A person now: name, role, current manager and since when (span of control now is an index lookup). */
export const personHeadReadModel = declareReadModel<PersonHead>({
  name: 'person_head',
  version: 1,
  subjectKind: 'person',
  initial: emptyPersonHead,
  evolve: evolvePersonHead,
  columns: { manager_id: (head) => head.managerId },
});

/** A manager's latest 1:1 with each person they met. */
export const managerHeadReadModel = declareReadModel<ManagerHead>({
  name: 'manager_head',
  version: 1,
  subjectKind: 'manager',
  initial: emptyManagerHead,
  evolve: evolveManagerHead,
});

/** Every read model the projector keeps. Adding one: a declaration here and a migration for its table. */
export const READ_MODELS: readonly AnyReadModel[] = [
  teamTimelineReadModel,
  personTimelineReadModel,
  managerOneOnOnesReadModel,
  groupTimelineReadModel,
  teamHeadReadModel,
  personHeadReadModel,
  managerHeadReadModel,
];

import { at, day } from '../metrics/metrics.test-support';
import type { PlanHead } from '../coaching/plan-head';
import type { RatingHead, SeenLevel } from '../coaching/rating-head';
import { type PersonHead, emptyPersonHead } from '../people/person-head';
import { type TeamHead, emptyTeamHead } from '../teams/team-head';
import { type AlertMark, type HeadChange, type HeadChangeMarks, alertMarksOf } from './alert-marks';
import { type AlertRule, teamAlertRules } from './alert-rules';

const team = (over: Partial<TeamHead> = {}): TeamHead => ({
  ...emptyTeamHead('t'),
  registered: true,
  registeredSince: at(day(0)),
  headcount: 4,
  ...over,
});
const ann = (managerId: string | null, since: string | null = day(0)): PersonHead => ({
  ...emptyPersonHead('ann'),
  role: 'pm',
  managerId,
  managerSince: managerId === null || since === null ? null : at(since),
});
const annPlan = (setAt: string, ...names: string[]): PlanHead => ({
  personId: 'ann',
  plan: { setAt: at(setAt), managerId: 'mia', competencies: names.map((name) => ({ name, target: 3 })) },
});
const seen = (when: string, level = 2, position = 1): SeenLevel => ({ level, at: at(when), position });
const miaRated = (latest: RatingHead['latest']): RatingHead => ({ managerId: 'mia', latest });
const mark = (rule: AlertRule, subjectId: string): AlertMark => ({ rule, subjectId });
const TEAM_RULES = teamAlertRules.map((rule) => mark(rule, 't'));
const since = at(day(5));

describe('which rules and subjects a head change marks for judging', () => {
  it.each<[string, HeadChange, HeadChangeMarks]>([
    [
      'a new team: its three rules',
      { kind: 'team', before: undefined, after: team(), since },
      { marks: TEAM_RULES, storedManagerOf: null },
    ],
    [
      'a team blocked: its three rules',
      {
        kind: 'team',
        before: team(),
        after: team({ block: { since, reason: 'other', blockedBy: null, reasonSince: since } }),
        since,
      },
      { marks: TEAM_RULES, storedManagerOf: null },
    ],
    [
      'a new name or reason only: nothing (no rule reads them)',
      { kind: 'team', before: team(), after: team({ name: 'Payments', groupId: 'fin' }), since },
      { marks: [], storedManagerOf: null },
    ],
    [
      'a person moves from mia to max: their overdue rule and both managers’ overload',
      { kind: 'person', before: ann('mia'), after: ann('max', day(5)), since },
      {
        marks: [
          mark('ONE_ON_ONE_OVERDUE', 'ann'),
          mark('MANAGER_OVERLOADED', 'mia'),
          mark('MANAGER_OVERLOADED', 'max'),
        ],
        storedManagerOf: null,
      },
    ],
    [
      'a person renamed: nothing',
      { kind: 'person', before: ann('mia'), after: { ...ann('mia'), name: 'Ann' }, since },
      { marks: [], storedManagerOf: null },
    ],
    [
      'a person re-folded (before unknown): their rule, the new manager, and the stored one',
      { kind: 'person', before: undefined, after: ann('max'), since },
      {
        marks: [mark('ONE_ON_ONE_OVERDUE', 'ann'), mark('MANAGER_OVERLOADED', 'max')],
        storedManagerOf: 'ann',
      },
    ],
    [
      'a 1:1: the report’s overdue rule, not the others the manager met',
      {
        kind: 'manager',
        before: { managerId: 'mia', lastOneOnOneWith: { ann: at(day(1)), bo: at(day(2)) } },
        after: { managerId: 'mia', lastOneOnOneWith: { ann: at(day(6)), bo: at(day(2)) } },
        since,
      },
      { marks: [mark('ONE_ON_ONE_OVERDUE', 'ann')], storedManagerOf: null },
    ],
    [
      'a 1:1 re-folded (before unknown): the reports met since the first new event',
      {
        kind: 'manager',
        before: undefined,
        after: { managerId: 'mia', lastOneOnOneWith: { ann: at(day(6)), bo: at(day(2)) } },
        since,
      },
      { marks: [mark('ONE_ON_ONE_OVERDUE', 'ann')], storedManagerOf: null },
    ],
    [
      'a first plan: the person’s stalled coaching',
      { kind: 'plan', before: undefined, after: annPlan(day(5), 'discovery'), since },
      { marks: [mark('COACHING_STALLED', 'ann')], storedManagerOf: null },
    ],
    [
      'a plan replaced: the person’s stalled coaching',
      { kind: 'plan', before: annPlan(day(1), 'discovery'), after: annPlan(day(5), 'delivery'), since },
      { marks: [mark('COACHING_STALLED', 'ann')], storedManagerOf: null },
    ],
    [
      'an older plan posted late (the head stays as it was): nothing',
      { kind: 'plan', before: annPlan(day(5), 'discovery'), after: annPlan(day(5), 'discovery'), since },
      { marks: [], storedManagerOf: null },
    ],
    [
      'a rating: the stalled coaching of the report rated, not of the others the manager rated',
      {
        kind: 'rating',
        before: miaRated({ ann: { discovery: seen(day(1)) }, bo: { delivery: seen(day(2)) } }),
        after: miaRated({
          ann: { discovery: seen(day(1)), hiring: seen(day(6), 3, 9) },
          bo: { delivery: seen(day(2)) },
        }),
        since,
      },
      { marks: [mark('COACHING_STALLED', 'ann')], storedManagerOf: null },
    ],
    [
      'a first rating of a report: their stalled coaching',
      {
        kind: 'rating',
        before: miaRated({ bo: { delivery: seen(day(2)) } }),
        after: miaRated({ ann: { discovery: seen(day(6)) }, bo: { delivery: seen(day(2)) } }),
        since,
      },
      { marks: [mark('COACHING_STALLED', 'ann')], storedManagerOf: null },
    ],
    [
      'a rating older than the latest (the levels stay as they were): nothing',
      {
        kind: 'rating',
        before: miaRated({ ann: { discovery: seen(day(6)) } }),
        after: miaRated({ ann: { discovery: seen(day(6)) } }),
        since: at(day(3)),
      },
      { marks: [], storedManagerOf: null },
    ],
    [
      'ratings re-folded (before unknown): the reports rated since the first new event',
      {
        kind: 'rating',
        before: undefined,
        after: miaRated({
          ann: { discovery: seen(day(1)), delivery: seen(day(6)) },
          bo: { delivery: seen(day(2)) },
        }),
        since,
      },
      { marks: [mark('COACHING_STALLED', 'ann')], storedManagerOf: null },
    ],
  ])('%s', (_case, change, expected) => expect(alertMarksOf(change)).toEqual(expected));
});

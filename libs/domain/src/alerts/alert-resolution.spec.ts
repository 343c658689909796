import type { AcceptedEvent } from '@orgpulse/contracts';
import { at, day, ev } from '../metrics/metrics.test-support';
import { emptyManagerHead, evolveManagerHead } from '../people/manager-head';
import { oneOnOneFactOf, personFactsOf } from '../people/person-facts';
import { emptyPersonHead, evolvePersonHead } from '../people/person-head';
import { teamFactsOf } from '../teams/team-facts';
import { emptyTeamHead, evolveTeamHead } from '../teams/team-head';
import { planFactOf, ratingFactOf } from '../coaching/coaching-facts';
import { emptyPlanHead, evolvePlanHead } from '../coaching/plan-head';
import { emptyRatingHead, evolveRatingHead, latestLevels } from '../coaching/rating-head';
import { type OpenAlert, planAlertChange } from './alert-resolution';
import {
  type AlertFacts,
  type AlertRule,
  type AlertThresholds,
  DEFAULT_ALERT_THRESHOLDS,
} from './alert-rules';

const t = 't';
const registered = (when: string) => ev('team.registered', when, { teamId: t, name: 'T', headcount: 4 });
const blocked = (when: string) => ev('team.blocked', when, { teamId: t, reason: 'dependency' });
const unblocked = (when: string) => ev('team.unblocked', when, { teamId: t });
const interview = (when: string) => ev('discovery.interview-held', when, { teamId: t });
const shipped = (when: string) => ev('delivery.shipped', when, { teamId: t });
const reportsTo = (when: string, managerId: string) =>
  ev('person.registered', when, { personId: 'ann', role: 'engineer', managerId });
const managerChanged = (when: string, managerId: string) =>
  ev('person.manager-changed', when, { personId: 'ann', managerId });
const oneOnOne = (when: string, managerId: string) =>
  ev('one-on-one.held', when, { managerId, reportId: 'ann' });

/** One step of a story: given events arrive (or not) and thresholds may change, when the alerter judges at `when`, then these alerts are open. */
interface Step {
  when: string;
  arrive?: AcceptedEvent[];
  thresholds?: Partial<AlertThresholds>;
  /** the alerts of the rule open after this judgement, named by the order they were raised: #1, #2... */
  open: string[];
}

/** The heads the alerter reads for the rule, folded from every event so far in occurrence order. */
function factsOf(rule: AlertRule, events: readonly AcceptedEvent[]): AlertFacts {
  const sorted = [...events].sort((a, b) => at(a.occurredAt) - at(b.occurredAt));
  switch (rule) {
    case 'ONE_ON_ONE_OVERDUE': {
      const person = personFactsOf(sorted).reduce(evolvePersonHead, emptyPersonHead('ann'));
      const managerId = person.managerId ?? '';
      const manager = sorted
        .filter((e) => e.type === 'one-on-one.held' && e.data.managerId === managerId)
        .map((e, position) => ({ at: at(e.occurredAt), position, data: oneOnOneFactOf(e)! }))
        .reduce(evolveManagerHead, emptyManagerHead(managerId));
      return { rule, subjectId: 'ann', person: person.role ? person : null, manager };
    }
    case 'COACHING_STALLED': {
      const facts = <F>(of: (e: AcceptedEvent) => F | undefined) =>
        sorted.flatMap((e, position) => {
          const data = of(e);
          return data === undefined ? [] : [{ at: at(e.occurredAt), position, data }];
        });
      const plan = facts(planFactOf).reduce(evolvePlanHead, emptyPlanHead('ann')).plan;
      const managers = new Set(
        sorted.flatMap((e) => (e.type === 'one-on-one.held' ? [e.data.managerId] : [])),
      );
      const heads = [...managers].map((m) =>
        facts((e) =>
          e.type === 'one-on-one.held' && e.data.managerId === m ? ratingFactOf(e) : undefined,
        ).reduce(evolveRatingHead, emptyRatingHead(m)),
      );
      const ratedAt = new Map([...latestLevels('ann', heads)].map(([c, seen]) => [c, seen.at]));
      return { rule, subjectId: 'ann', plan, ratedAt };
    }
    case 'MANAGER_OVERLOADED':
      throw new Error('told by its count, below');
    default: {
      const team = teamFactsOf(sorted).reduce(evolveTeamHead, emptyTeamHead(t));
      return { rule, subjectId: t, team };
    }
  }
}

/** Runs the alerter's judgements of one rule and subject over time, as a round applies them. */
function story(rule: AlertRule, steps: Step[]): void {
  let events: AcceptedEvent[] = [];
  let thresholds = DEFAULT_ALERT_THRESHOLDS;
  let open: OpenAlert | null = null;
  let raised = 0;
  for (const step of steps) {
    events = [...events, ...(step.arrive ?? [])];
    thresholds = { ...thresholds, ...step.thresholds };
    const change = planAlertChange(open, factsOf(rule, events), thresholds, at(step.when));
    if (change.resolve) open = null;
    if (change.raise) {
      raised += 1;
      open = { id: `#${raised}`, rule, subjectId: change.raise.subjectId, figures: change.raise.figures };
    }
    expect({ when: step.when, open: open ? [open.id] : [] }).toEqual({ when: step.when, open: step.open });
  }
}

describe('TEAM_STALLED (contract §6): resolved on a ship or an interview, nothing else', () => {
  it('stays open, with the same id, across a block and an unblock; a ship resolves it', () =>
    story('TEAM_STALLED', [
      { when: day(0), arrive: [registered(day(0))], open: [] },
      { when: day(14), open: ['#1'] },
      { when: day(15), arrive: [blocked(day(15))], open: ['#1'] },
      { when: day(20), open: ['#1'] },
      { when: day(21), arrive: [unblocked(day(21))], open: ['#1'] },
      { when: day(22), open: ['#1'] },
      { when: day(23), arrive: [shipped(day(23))], open: [] },
      { when: day(36), open: [] },
      { when: day(37), open: ['#2'] },
    ]));

  it('an interview resolves it, even while the team is blocked', () =>
    story('TEAM_STALLED', [
      { when: day(14), arrive: [registered(day(0))], open: ['#1'] },
      { when: day(16), arrive: [blocked(day(15))], open: ['#1'] },
      { when: day(17), arrive: [interview(day(17))], open: [] },
      { when: day(40), open: [] }, // blocked: idle, not stalled
    ]));

  it('a ship posted late, dated after the quiet period began, resolves it', () =>
    story('TEAM_STALLED', [
      { when: day(20), arrive: [registered(day(0))], open: ['#1'] },
      { when: day(21), arrive: [shipped(day(18))], open: [] },
    ]));

  it('a ship dated before the quiet period began changes nothing', () =>
    story('TEAM_STALLED', [
      { when: day(20), arrive: [registered(day(0)), shipped(day(3))], open: ['#1'] },
      { when: day(21), arrive: [shipped(day(2))], open: ['#1'] },
    ]));

  it('raising the threshold does not close it', () =>
    story('TEAM_STALLED', [
      { when: day(15), arrive: [registered(day(0))], open: ['#1'] },
      { when: day(16), thresholds: { teamStalledDays: 30 }, open: ['#1'] },
      { when: day(31), open: ['#1'] },
    ]));
});

describe('TEAM_IDLE: resolved when the team is unblocked', () => {
  it('stays open while blocked; an unblock resolves it; a new block is a new alert', () =>
    story('TEAM_IDLE', [
      { when: day(2), arrive: [registered(day(0)), blocked(day(0))], open: ['#1'] },
      { when: day(3), arrive: [blocked(day(3))], open: ['#1'] }, // a new reason, same block
      { when: day(4), arrive: [unblocked(day(4))], open: [] },
      { when: day(7), arrive: [blocked(day(5))], open: ['#2'] },
    ]));

  it('raising teamIdleHours does not close an open alert', () =>
    story('TEAM_IDLE', [
      { when: day(3), arrive: [registered(day(0)), blocked(day(0))], open: ['#1'] },
      { when: day(3, 1), thresholds: { teamIdleHours: 100 }, open: ['#1'] },
    ]));

  it('an unblock and a new block posted late between two evaluations still resolve it', () =>
    story('TEAM_IDLE', [
      { when: day(3), arrive: [registered(day(0)), blocked(day(0))], open: ['#1'] },
      { when: day(6), arrive: [unblocked(day(3, 1)), blocked(day(3, 2))], open: ['#2'] },
    ]));
});

describe('DISCOVERY_LAPSED: resolved by an interview', () => {
  it('stays open across a block and a threshold change; an interview resolves it', () =>
    story('DISCOVERY_LAPSED', [
      { when: day(7), arrive: [registered(day(0))], open: ['#1'] },
      { when: day(8), arrive: [blocked(day(8))], open: ['#1'] },
      { when: day(9), thresholds: { discoveryLapsedDays: 30 }, open: ['#1'] },
      { when: day(10), arrive: [interview(day(10))], open: [] },
      { when: day(40), open: ['#2'] },
    ]));
});

describe('ONE_ON_ONE_OVERDUE: resolved by a 1:1 between the report and their manager', () => {
  it('a threshold change does not close it; a 1:1 with the manager does', () =>
    story('ONE_ON_ONE_OVERDUE', [
      { when: day(14), arrive: [reportsTo(day(0), 'mia')], open: ['#1'] },
      { when: day(15), thresholds: { oneOnOneOverdueDays: 28 }, open: ['#1'] },
      { when: day(16), arrive: [oneOnOne(day(16), 'max')], open: ['#1'] }, // someone else's 1:1
      { when: day(17), arrive: [oneOnOne(day(17), 'mia')], open: [] },
    ]));

  it('a new manager ends the pair the alert is about', () =>
    story('ONE_ON_ONE_OVERDUE', [
      { when: day(14), arrive: [reportsTo(day(0), 'mia')], open: ['#1'] },
      { when: day(15), arrive: [managerChanged(day(15), 'max')], open: [] },
      { when: day(29), open: ['#2'] },
    ]));
});

describe('MANAGER_OVERLOADED: resolved when the count drops to the limit', () => {
  const facts = (directReports: number): AlertFacts => ({
    rule: 'MANAGER_OVERLOADED',
    subjectId: 'mia',
    directReports,
  });

  it('follows the count and the limit', () => {
    const first = planAlertChange(null, facts(13), DEFAULT_ALERT_THRESHOLDS, at(day(1)));
    expect(first.raise?.rule).toBe('MANAGER_OVERLOADED');
    const open: OpenAlert = { id: '#1', rule: 'MANAGER_OVERLOADED', subjectId: 'mia', figures: {} };
    expect(planAlertChange(open, facts(13), DEFAULT_ALERT_THRESHOLDS, at(day(2)))).toEqual({
      resolve: null,
      raise: null,
      dueAt: null,
    });
    const raisedLimit = { ...DEFAULT_ALERT_THRESHOLDS, managerOverloadedReports: 13 };
    expect(planAlertChange(open, facts(13), raisedLimit, at(day(2))).resolve).toEqual(open);
    expect(planAlertChange(open, facts(12), DEFAULT_ALERT_THRESHOLDS, at(day(2))).resolve).toEqual(open);
  });
});

describe('due times: when a subject with no alert open falls due with no new event', () => {
  it('a quiet team falls due at its earliest threshold; once raised, nothing is due', () => {
    const facts = factsOf('DISCOVERY_LAPSED', [registered(day(0))]);
    expect(planAlertChange(null, facts, DEFAULT_ALERT_THRESHOLDS, at(day(1))).dueAt).toBe(at(day(7)));
    const raised = planAlertChange(null, facts, DEFAULT_ALERT_THRESHOLDS, at(day(7)));
    expect(raised).toMatchObject({ raise: { rule: 'DISCOVERY_LAPSED' }, dueAt: null });
  });
});

describe('alerts stored before these figures existed', () => {
  it('resolve when their condition no longer holds, as before', () => {
    const facts = factsOf('TEAM_STALLED', [registered(day(0))]);
    const legacy: OpenAlert = {
      id: 'old',
      rule: 'TEAM_STALLED',
      subjectId: t,
      figures: { daysWithoutShipOrInterview: 14 },
    };
    expect(planAlertChange(legacy, facts, DEFAULT_ALERT_THRESHOLDS, at(day(15))).resolve).toBeNull();
    expect(planAlertChange(legacy, facts, DEFAULT_ALERT_THRESHOLDS, at(day(10))).resolve).toEqual(legacy);
  });
});

const planSet = (when: string, ...names: string[]) =>
  ev('coaching.plan-set', when, {
    personId: 'ann',
    competencies: names.map((name) => ({ name, target: 4 })),
  });
const rated = (when: string, managerId: string, competency: string) =>
  ev('one-on-one.held', when, { managerId, reportId: 'ann', ratings: [{ competency, level: 2 }] });

describe('COACHING_STALLED (contract §14): resolved by a rating of a plan competency, or when the plan is gone', () => {
  it('raised 28 days after the plan with no rating; a rating of a plan competency resolves it', () =>
    story('COACHING_STALLED', [
      { when: day(0), arrive: [planSet(day(0), 'discovery', 'delivery')], open: [] },
      { when: day(27), open: [] },
      { when: day(28), open: ['#1'] },
      { when: day(29), arrive: [oneOnOne(day(29), 'mia')], open: ['#1'] }, // a 1:1 without ratings
      { when: day(30), arrive: [rated(day(30), 'mia', 'hiring')], open: ['#1'] }, // not in the plan
      { when: day(31), arrive: [rated(day(31), 'bo', 'delivery')], open: [] }, // any manager
      { when: day(58), open: [] },
      { when: day(59), open: ['#2'] }, // 28 days after that rating
    ]));

  it('counts from the later of the plan and the last rating: ratings before the plan count as levels, not as time', () =>
    story('COACHING_STALLED', [
      { when: day(10), arrive: [rated(day(0), 'mia', 'discovery'), planSet(day(10), 'discovery')], open: [] },
      { when: day(37), open: [] },
      { when: day(38), open: ['#1'] },
    ]));

  it('a replaced plan keeps the alert open until a rating; a rating posted late, dated in the quiet spell, resolves it', () =>
    story('COACHING_STALLED', [
      { when: day(28), arrive: [planSet(day(0), 'discovery')], open: ['#1'] },
      { when: day(29), arrive: [planSet(day(29), 'delivery')], open: ['#1'] },
      { when: day(30), arrive: [rated(day(20), 'mia', 'delivery')], open: [] },
    ]));

  it('a rating dated before the quiet spell changes nothing; a lower threshold raises sooner', () =>
    story('COACHING_STALLED', [
      {
        when: day(5),
        arrive: [planSet(day(0), 'discovery')],
        thresholds: { coachingStallDays: 5 },
        open: ['#1'],
      },
      { when: day(6), arrive: [rated(day(-3), 'mia', 'discovery')], open: ['#1'] },
    ]));

  it('no plan, no alert, whatever the ratings', () =>
    story('COACHING_STALLED', [{ when: day(90), arrive: [rated(day(0), 'mia', 'discovery')], open: [] }]));
});

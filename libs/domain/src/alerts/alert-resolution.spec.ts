import { at, day, ev } from '../metrics/metrics.test-support';
import { buildPersonTimeline } from '../people/person-timeline';
import { buildTeamTimeline } from '../teams/team-timeline';
import { type OpenAlert, planAlertChanges } from './alert-resolution';
import { type AlertRule, type AlertThresholds, DEFAULT_ALERT_THRESHOLDS } from './alert-rules';

type Event = ReturnType<typeof ev>;
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
const oneOnOne = (when: string, managerId: string) => ({ managerId, at: at(when) });

/** One step of a story: events arrive (or not), thresholds may change, then the alerter evaluates at `now`. */
interface Step {
  when: string;
  arrive?: Event[];
  oneOnOnes?: { managerId: string; at: number }[];
  thresholds?: Partial<AlertThresholds>;
  /** the alerts of the rule open after this evaluation, named by the order they were raised: #1, #2... */
  open: string[];
}

/** Runs the alerter's decisions over time as the handler applies them: resolve, then raise. */
function story(rule: AlertRule, steps: Step[]): void {
  let events: Event[] = [];
  let oneOnOnes: { managerId: string; at: number }[] = [];
  let thresholds = DEFAULT_ALERT_THRESHOLDS;
  let open: OpenAlert[] = [];
  let raised = 0;
  for (const step of steps) {
    events = [...events, ...(step.arrive ?? [])].sort((a, b) => at(a.occurredAt) - at(b.occurredAt));
    oneOnOnes = [...oneOnOnes, ...(step.oneOnOnes ?? [])];
    thresholds = { ...thresholds, ...step.thresholds };
    const teamEvents = events.filter((e) => 'teamId' in e.data);
    const personEvents = events.filter((e) => 'personId' in e.data);
    const state = {
      teams: teamEvents.length > 0 ? [buildTeamTimeline(t, teamEvents)] : [],
      people: personEvents.length > 0 ? [buildPersonTimeline('ann', personEvents)] : [],
      oneOnOnes: new Map(
        [...new Set(oneOnOnes.map((o) => o.managerId))].map((m) => [
          m,
          oneOnOnes.filter((o) => o.managerId === m).map((o) => ({ reportId: 'ann', at: o.at })),
        ]),
      ),
    };
    const changes = planAlertChanges(open, state, thresholds, at(step.when));
    open = open.filter((a) => !changes.resolve.includes(a));
    for (const condition of changes.raise) {
      if (condition.rule === rule) raised += 1;
      open.push({
        id: condition.rule === rule ? `#${raised}` : condition.rule,
        rule: condition.rule,
        subjectId: condition.subjectId,
        figures: condition.figures,
      });
    }
    expect({ when: step.when, open: open.filter((a) => a.rule === rule).map((a) => a.id) }).toEqual({
      when: step.when,
      open: step.open,
    });
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
      { when: day(16), oneOnOnes: [oneOnOne(day(16), 'max')], open: ['#1'] }, // someone else's 1:1
      { when: day(17), oneOnOnes: [oneOnOne(day(17), 'mia')], open: [] },
    ]));

  it('a new manager ends the pair the alert is about', () =>
    story('ONE_ON_ONE_OVERDUE', [
      { when: day(14), arrive: [reportsTo(day(0), 'mia')], open: ['#1'] },
      { when: day(15), arrive: [managerChanged(day(15), 'max')], open: [] },
      { when: day(29), open: ['#2'] },
    ]));
});

describe('MANAGER_OVERLOADED: resolved when the count drops to the limit', () => {
  it('follows the count and the limit', () => {
    const people = Array.from({ length: 13 }, (_, i) =>
      buildPersonTimeline(`p${i}`, [
        ev('person.registered', day(0), { personId: `p${i}`, role: 'engineer', managerId: 'mia' }),
      ]),
    );
    const state = { teams: [], people, oneOnOnes: new Map() };
    const first = planAlertChanges([], state, DEFAULT_ALERT_THRESHOLDS, at(day(1)));
    expect(first.raise.map((c) => c.rule)).toEqual(['MANAGER_OVERLOADED']);
    const open = [
      { id: '#1', rule: 'MANAGER_OVERLOADED', subjectId: 'mia', figures: first.raise[0].figures },
    ];
    expect(planAlertChanges(open, state, DEFAULT_ALERT_THRESHOLDS, at(day(2)))).toEqual({
      resolve: [],
      raise: [],
    });
    const raisedLimit = { ...DEFAULT_ALERT_THRESHOLDS, managerOverloadedReports: 13 };
    expect(planAlertChanges(open, state, raisedLimit, at(day(2))).resolve).toEqual(open);
  });
});

describe('alerts stored before these figures existed', () => {
  it('resolve when their condition no longer holds, as before', () => {
    const state = { teams: [buildTeamTimeline(t, [registered(day(0))])], people: [], oneOnOnes: new Map() };
    const legacy: OpenAlert = {
      id: 'old',
      rule: 'TEAM_STALLED',
      subjectId: t,
      figures: { daysWithoutShipOrInterview: 14 },
    };
    expect(planAlertChanges([legacy], state, DEFAULT_ALERT_THRESHOLDS, at(day(15))).resolve).toEqual([]);
    expect(planAlertChanges([legacy], state, DEFAULT_ALERT_THRESHOLDS, at(day(10))).resolve).toEqual([
      legacy,
    ]);
  });
});

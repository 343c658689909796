import { at, day, ev } from '../metrics/metrics.test-support';
import { buildPersonTimeline } from '../people/person-timeline';
import { buildTeamTimeline } from '../teams/team-timeline';
import { HOUR_MS } from '../time/window';
import { type AlertCondition, type AlertState, DEFAULT_ALERT_THRESHOLDS, decideAlerts } from './alert-rules';

type Event = ReturnType<typeof ev>;
const teamState = (...events: Event[]): AlertState => ({
  teams: [buildTeamTimeline('t', events)],
  people: [],
  oneOnOnes: new Map(),
});
const registered = (when: string, headcount = 4) =>
  ev('team.registered', when, { teamId: 't', name: 'T', headcount });
const blocked = (when: string) => ev('team.blocked', when, { teamId: 't', reason: 'dependency' });
const unblocked = (when: string) => ev('team.unblocked', when, { teamId: 't' });
const interview = (when: string) => ev('discovery.interview-held', when, { teamId: 't' });
const shipped = (when: string) => ev('delivery.shipped', when, { teamId: 't' });
const rulesAt = (state: AlertState, now: number, rule: AlertCondition['rule']) =>
  decideAlerts(state, DEFAULT_ALERT_THRESHOLDS, now).filter((c) => c.rule === rule);

describe('TEAM_IDLE: blocked without a break for ≥ 48 h', () => {
  const state = teamState(registered(day(0)), blocked(day(1)));
  it.each([
    ['47 h 59 m: not yet', at(day(1)) + 48 * HOUR_MS - 60_000, 0],
    ['exactly 48 h: raised', at(day(1)) + 48 * HOUR_MS, 1],
    ['later: still one', at(day(10)), 1],
  ])('%s', (_case, now, count) => expect(rulesAt(state, now, 'TEAM_IDLE')).toHaveLength(count));

  it('carries the figures so far: 4 people idle for 2 days = 8 person-days', () => {
    expect(rulesAt(state, at(day(3)), 'TEAM_IDLE')[0]).toMatchObject({
      subjectId: 't',
      since: at(day(3)),
      figures: { blockedHours: 48, idlePersonDays: 8 },
    });
  });

  it('resolves on team.unblocked; blocked again, it is raised again with a new start', () => {
    const again = teamState(registered(day(0)), blocked(day(1)), unblocked(day(4)), blocked(day(5)));
    expect(rulesAt(again, at(day(4)) + 1, 'TEAM_IDLE')).toEqual([]);
    expect(rulesAt(again, at(day(7)) - 1, 'TEAM_IDLE')).toEqual([]);
    expect(rulesAt(again, at(day(7)), 'TEAM_IDLE')).toEqual([expect.objectContaining({ since: at(day(7)) })]);
  });

  it('counts from occurredAt: a block posted late that started 72 h ago is idle at once', () => {
    expect(rulesAt(teamState(blocked(day(0))), at(day(3)), 'TEAM_IDLE')).toHaveLength(1);
  });
});

describe('DISCOVERY_LAPSED: a registered team without an interview for ≥ 7 days', () => {
  it.each([
    ['7 days after registration with none: raised', [registered(day(0))], day(7), 1],
    ['6 days 23 h: not yet', [registered(day(0))], day(6, 23), 0],
    ['an interview resets the clock', [registered(day(0)), interview(day(5))], day(11), 0],
    ['7 days after the last interview: raised', [registered(day(0)), interview(day(5))], day(12), 1],
    ['an unregistered team: never', [interview(day(0))], day(30), 0],
    [
      'an archived team: never',
      [registered(day(0)), ev('team.archived', day(1), { teamId: 't' })],
      day(30),
      0,
    ],
  ])('%s', (_case, events, now, count) =>
    expect(rulesAt(teamState(...events), at(now), 'DISCOVERY_LAPSED')).toHaveLength(count),
  );
});

describe('TEAM_STALLED: registered, not blocked, no ship and no interview for ≥ 14 days', () => {
  it.each([
    ['14 days quiet: raised', [registered(day(0))], day(14), 1],
    ['13 days: not yet', [registered(day(0))], day(13), 0],
    ['a ship resets it', [registered(day(0)), shipped(day(10))], day(20), 0],
    ['an interview resets it', [registered(day(0)), interview(day(10))], day(23), 0],
    ['blocked teams are idle, not stalled', [registered(day(0)), blocked(day(1))], day(30), 0],
  ])('%s', (_case, events, now, count) =>
    expect(rulesAt(teamState(...events), at(now), 'TEAM_STALLED')).toHaveLength(count),
  );
});

describe('ONE_ON_ONE_OVERDUE and MANAGER_OVERLOADED', () => {
  const person = (id: string, managerId: string | null, when = day(0)) =>
    buildPersonTimeline(id, [ev('person.registered', when, { personId: id, role: 'pm', managerId })]);

  it.each([
    ['14 days reporting without a 1:1: raised', [], day(14), 1],
    ['13 days: not yet', [], day(13), 0],
    ['a 1:1 with the manager resets it', [{ reportId: 'ann', at: at(day(10)) }], day(23), 0],
    ['14 days after that 1:1: raised', [{ reportId: 'ann', at: at(day(10)) }], day(24), 1],
  ])('%s', (_case, oneOnOnes, now, count) => {
    const state: AlertState = {
      teams: [],
      people: [person('ann', 'mia')],
      oneOnOnes: new Map([['mia', oneOnOnes]]),
    };
    expect(rulesAt(state, at(now), 'ONE_ON_ONE_OVERDUE')).toHaveLength(count);
  });

  it('a new manager starts the clock again', () => {
    const ann = buildPersonTimeline('ann', [
      ev('person.registered', day(0), { personId: 'ann', role: 'pm', managerId: 'mia' }),
      ev('person.manager-changed', day(20), { personId: 'ann', managerId: 'max' }),
    ]);
    const state: AlertState = { teams: [], people: [ann], oneOnOnes: new Map() };
    expect(rulesAt(state, at(day(33)), 'ONE_ON_ONE_OVERDUE')).toEqual([]);
    expect(rulesAt(state, at(day(34)), 'ONE_ON_ONE_OVERDUE')).toEqual([
      expect.objectContaining({ subjectId: 'ann', figures: expect.objectContaining({ managerId: 'max' }) }),
    ]);
  });

  it.each([
    [12, 0],
    [13, 1],
  ])('a manager with %i direct reports: %i MANAGER_OVERLOADED', (reports, count) => {
    const people = Array.from({ length: reports }, (_, i) => person(`p${i}`, 'mia'));
    const state: AlertState = { teams: [], people, oneOnOnes: new Map() };
    expect(rulesAt(state, at(day(1)), 'MANAGER_OVERLOADED')).toHaveLength(count);
  });
});

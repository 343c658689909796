import type { AcceptedEvent } from '@orgpulse/contracts';
import { at, day, ev } from '../metrics/metrics.test-support';
import { type ManagerHead, emptyManagerHead, evolveManagerHead } from '../people/manager-head';
import { oneOnOneFactOf, personFactsOf } from '../people/person-facts';
import { emptyPersonHead, evolvePersonHead } from '../people/person-head';
import { teamFactsOf } from '../teams/team-facts';
import { type TeamHead, emptyTeamHead, evolveTeamHead } from '../teams/team-head';
import { HOUR_MS } from '../time/window';
import {
  type AlertDecision,
  DEFAULT_ALERT_THRESHOLDS,
  type TeamAlertRule,
  decideOneOnOne,
  decideOverload,
  decideTeam,
} from './alert-rules';

const byOccurrence = (events: AcceptedEvent[]) =>
  [...events].sort((a, b) => at(a.occurredAt) - at(b.occurredAt));
const teamHead = (...events: AcceptedEvent[]): TeamHead =>
  teamFactsOf(byOccurrence(events)).reduce(evolveTeamHead, emptyTeamHead('t'));
const registered = (when: string, headcount = 4) =>
  ev('team.registered', when, { teamId: 't', name: 'T', headcount });
const blocked = (when: string) => ev('team.blocked', when, { teamId: 't', reason: 'dependency' });
const unblocked = (when: string) => ev('team.unblocked', when, { teamId: 't' });
const interview = (when: string) => ev('discovery.interview-held', when, { teamId: 't' });
const shipped = (when: string) => ev('delivery.shipped', when, { teamId: 't' });
const team = (rule: TeamAlertRule, head: TeamHead, now: number): AlertDecision =>
  decideTeam(rule, head, DEFAULT_ALERT_THRESHOLDS, now);
const holds = (decision: AlertDecision) => (decision.holds ? 1 : 0);

describe('TEAM_IDLE: blocked without a break for ≥ 48 h', () => {
  const head = teamHead(registered(day(0)), blocked(day(1)));
  it.each([
    // given the head, when now is, then the condition holds (1) or not (0), falling due at
    ['47 h 59 m: not yet, due at 48 h', at(day(1)) + 48 * HOUR_MS - 60_000, 0, at(day(3))],
    ['exactly 48 h: raised', at(day(1)) + 48 * HOUR_MS, 1, null],
    ['later: still one', at(day(10)), 1, null],
  ])('%s', (_case, now, count, dueAt) => {
    const decision = team('TEAM_IDLE', head, now);
    expect([holds(decision), decision.dueAt]).toEqual([count, dueAt]);
  });

  it('carries the figures so far: 4 people idle for 2 days = 8 person-days', () => {
    expect(team('TEAM_IDLE', head, at(day(3))).holds).toMatchObject({
      subjectId: 't',
      since: at(day(3)),
      figures: { blockedSince: day(1), blockedHours: 48, idlePersonDays: 8 },
    });
  });

  it.each([
    ['just after the unblock: nothing, nothing due', at(day(4)) + 1, 0, null],
    ['blocked again: due 48 h after the new block', at(day(7)) - 1, 0, at(day(7))],
    ['48 h after the new block: raised with the new start', at(day(7)), 1, null],
  ])('blocked, unblocked, blocked again: %s', (_case, now, count, dueAt) => {
    const events = [registered(day(0)), blocked(day(1)), unblocked(day(4))];
    const head = at(day(5)) <= now ? teamHead(...events, blocked(day(5))) : teamHead(...events);
    const decision = team('TEAM_IDLE', head, now);
    expect([holds(decision), decision.dueAt]).toEqual([count, dueAt]);
    if (count) expect(decision.holds?.since).toBe(at(day(7)));
  });

  it('counts from occurredAt: a block posted late that started 72 h ago is idle at once', () => {
    expect(holds(team('TEAM_IDLE', teamHead(blocked(day(0))), at(day(3))))).toBe(1);
  });
});

describe('DISCOVERY_LAPSED: a registered team without an interview for ≥ 7 days', () => {
  it.each([
    ['7 days after registration with none: raised', [registered(day(0))], day(7), 1, null],
    ['6 days 23 h: not yet, due at 7 days', [registered(day(0))], day(6, 23), 0, day(7)],
    ['an interview resets the clock', [registered(day(0)), interview(day(5))], day(11), 0, day(12)],
    ['7 days after the last interview: raised', [registered(day(0)), interview(day(5))], day(12), 1, null],
    ['an unregistered team: never', [interview(day(0))], day(30), 0, null],
    [
      'an archived team: never',
      [registered(day(0)), ev('team.archived', day(1), { teamId: 't' })],
      day(30),
      0,
      null,
    ],
  ])('%s', (_case, events, now, count, dueAt) => {
    const decision = team('DISCOVERY_LAPSED', teamHead(...events), at(now));
    expect([holds(decision), decision.dueAt]).toEqual([count, dueAt === null ? null : at(dueAt)]);
  });
});

describe('TEAM_STALLED: registered, not blocked, no ship and no interview for ≥ 14 days', () => {
  it.each([
    ['14 days quiet: raised', [registered(day(0))], day(14), 1, null],
    ['13 days: not yet, due at 14', [registered(day(0))], day(13), 0, day(14)],
    ['a ship resets it', [registered(day(0)), shipped(day(10))], day(20), 0, day(24)],
    ['an interview resets it', [registered(day(0)), interview(day(10))], day(23), 0, day(24)],
    [
      'blocked teams are idle, not stalled: nothing due',
      [registered(day(0)), blocked(day(1))],
      day(30),
      0,
      null,
    ],
  ])('%s', (_case, events, now, count, dueAt) => {
    const decision = team('TEAM_STALLED', teamHead(...events), at(now));
    expect([holds(decision), decision.dueAt]).toEqual([count, dueAt === null ? null : at(dueAt)]);
  });
});

describe('ONE_ON_ONE_OVERDUE: a direct report without a 1:1 with their manager for ≥ 14 days', () => {
  const ann = (...events: AcceptedEvent[]) =>
    personFactsOf(byOccurrence(events)).reduce(evolvePersonHead, emptyPersonHead('ann'));
  const reportsTo = (when: string, managerId: string) =>
    ev('person.registered', when, { personId: 'ann', role: 'pm', managerId });
  const managerHead = (managerId: string, oneOnOnes: string[]): ManagerHead =>
    oneOnOnes
      .map((when) => ev('one-on-one.held', when, { managerId, reportId: 'ann' }))
      .map((e, position) => ({ at: at(e.occurredAt), position, data: oneOnOneFactOf(e)! }))
      .reduce(evolveManagerHead, emptyManagerHead(managerId));

  it.each([
    ['14 days reporting without a 1:1: raised', [], day(14), 1, null],
    ['13 days: not yet, due at 14', [], day(13), 0, day(14)],
    ['a 1:1 with the manager resets it', [day(10)], day(23), 0, day(24)],
    ['14 days after that 1:1: raised', [day(10)], day(24), 1, null],
  ])('%s', (_case, oneOnOnes, now, count, dueAt) => {
    const decision = decideOneOnOne(
      ann(reportsTo(day(0), 'mia')),
      managerHead('mia', oneOnOnes),
      DEFAULT_ALERT_THRESHOLDS,
      at(now),
    );
    expect([holds(decision), decision.dueAt]).toEqual([count, dueAt === null ? null : at(dueAt)]);
  });

  it('a 1:1 with another manager counts for nothing', () => {
    const decision = decideOneOnOne(
      ann(reportsTo(day(0), 'mia')),
      managerHead('max', [day(10)]),
      DEFAULT_ALERT_THRESHOLDS,
      at(day(14)),
    );
    expect(holds(decision)).toBe(1);
  });

  it('a new manager starts the clock again', () => {
    const head = ann(
      reportsTo(day(0), 'mia'),
      ev('person.manager-changed', day(20), { personId: 'ann', managerId: 'max' }),
    );
    expect(decideOneOnOne(head, null, DEFAULT_ALERT_THRESHOLDS, at(day(33)))).toEqual({
      holds: null,
      dueAt: at(day(34)),
    });
    expect(decideOneOnOne(head, null, DEFAULT_ALERT_THRESHOLDS, at(day(34))).holds).toEqual(
      expect.objectContaining({ subjectId: 'ann', figures: expect.objectContaining({ managerId: 'max' }) }),
    );
  });

  it('without a manager: never, nothing due', () => {
    const head = ann(ev('person.registered', day(0), { personId: 'ann', role: 'pm', managerId: null }));
    expect(decideOneOnOne(head, null, DEFAULT_ALERT_THRESHOLDS, at(day(40)))).toEqual({
      holds: null,
      dueAt: null,
    });
  });
});

describe('MANAGER_OVERLOADED: more direct reports than the limit', () => {
  it.each([
    [12, 0],
    [13, 1],
  ])('a manager with %i direct reports: %i, never a due time', (reports, count) => {
    const decision = decideOverload('mia', reports, DEFAULT_ALERT_THRESHOLDS, at(day(1)));
    expect([holds(decision), decision.dueAt]).toEqual([count, null]);
  });
});

import type { AcceptedEvent } from '@orgpulse/contracts';
import { ev } from '../metrics/metrics.test-support';
import { idleness } from '../metrics/idleness';
import { HOUR_MS } from '../time/window';
import { isTrioInterview, teamFactsOf } from './team-facts';
import { type TeamHead, emptyTeamHead, evolveTeamHead } from './team-head';
import {
  blockedIntervalAt,
  buildTeamTimeline,
  groupAt,
  headcountAt,
  isRegisteredAt,
  teamTimelineFrom,
} from './team-timeline';

const event = (type: AcceptedEvent['type'], occurredAt: string, data: Record<string, unknown> = {}) =>
  ev(type, occurredAt, { teamId: 'payments', ...data });

const history: AcceptedEvent[] = [
  event('team.registered', '2026-01-05T09:00:00Z', { name: 'Payments', headcount: 8, groupId: 'fin' }),
  event('team.blocked', '2026-01-06T09:00:00Z', { reason: 'dependency', blockedBy: 'core' }),
  event('discovery.interview-held', '2026-01-06T10:00:00Z'),
  event('team.blocked', '2026-01-07T09:00:00Z', { reason: 'decision-pending' }),
  event('team.unblocked', '2026-01-08T09:00:00Z'),
  event('delivery.shipped', '2026-01-08T12:00:00Z'),
  event('team.registered', '2026-01-09T09:00:00Z', { name: 'Payments', headcount: 6 }),
  event('team.archived', '2026-01-10T09:00:00Z'),
];

describe('teamTimelineFrom: a timeline from a head and the facts since', () => {
  const facts = teamFactsOf(history);
  const whole = buildTeamTimeline('payments', history);
  const now = Date.parse('2026-01-12T00:00:00Z');
  it.each(facts.map((_, split) => [split]))(
    'split before fact %i: every figure from the split on reads as from the whole history',
    (split) => {
      const startAt = facts[split].at;
      const head = facts.slice(0, split).reduce(evolveTeamHead, emptyTeamHead('payments'));
      const from = teamTimelineFrom(
        JSON.parse(JSON.stringify(head)) as TeamHead,
        startAt,
        facts.slice(split),
      );
      for (let t = startAt; t < now; t += 3 * HOUR_MS) {
        const window = { from: t, to: now };
        expect(idleness(from, window, now)).toEqual(idleness(whole, window, now));
        expect(isRegisteredAt(from, t)).toBe(isRegisteredAt(whole, t));
        expect(headcountAt(from, t)).toBe(headcountAt(whole, t));
        expect(groupAt(from, t)).toBe(groupAt(whole, t));
        expect(blockedIntervalAt(from, t)?.start).toBe(blockedIntervalAt(whole, t)?.start);
      }
    },
  );
});

describe('trio interviews and group membership in the team timeline (contract §8)', () => {
  it.each<[string, string[] | undefined, boolean]>([
    ['pm, designer and engineer', ['pm', 'designer', 'engineer'], true],
    ['the trio and more', ['engineer', 'leader', 'designer', 'pm'], true],
    ['no designer', ['pm', 'engineer', 'engineer'], false],
    ['no roles given', undefined, false],
  ])('an interview with %s is a trio interview: %s', (_case, roles, trio) => {
    expect(isTrioInterview(roles)).toBe(trio);
  });
});

import type { AcceptedEvent } from '@orgpulse/contracts';
import { ev } from '../metrics/metrics.test-support';
import { type TeamTimeline, buildTeamTimeline, continueTeamTimeline, isTrioInterview } from './team-timeline';

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

describe('continueTeamTimeline: folding later events into a stored timeline', () => {
  it.each(history.map((_, split) => [split]))(
    'split after %i events: equals the fold of the whole history',
    (split) => {
      const stored = JSON.parse(
        JSON.stringify(buildTeamTimeline('payments', history.slice(0, split))),
      ) as TeamTimeline;
      expect(continueTeamTimeline(stored, history.slice(split))).toEqual(
        buildTeamTimeline('payments', history),
      );
    },
  );

  it('leaves the stored timeline as it was', () => {
    const stored = buildTeamTimeline('payments', history.slice(0, 2));
    const before = JSON.parse(JSON.stringify(stored));
    continueTeamTimeline(stored, history.slice(2));
    expect(stored).toEqual(before);
  });
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

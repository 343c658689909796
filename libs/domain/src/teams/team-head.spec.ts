import type { AcceptedEvent } from '@orgpulse/contracts';
import { at, ev } from '../metrics/metrics.test-support';
import { teamFactsOf } from './team-facts';
import { type TeamHead, emptyTeamHead, evolveTeamHead } from './team-head';

const event = (type: AcceptedEvent['type'], occurredAt: string, data: Record<string, unknown> = {}) =>
  ev(type, occurredAt, { teamId: 'payments', ...data });
const fold = (events: AcceptedEvent[]): TeamHead =>
  teamFactsOf(events).reduce(evolveTeamHead, emptyTeamHead('payments'));

describe('team head: the team as of its latest event', () => {
  const registered = event('team.registered', '2026-01-05T09:00:00Z', {
    name: 'Pay',
    headcount: 8,
    groupId: 'fin',
  });

  it.each<[string, AcceptedEvent[], Partial<TeamHead>]>([
    [
      'registered',
      [registered],
      {
        name: 'Pay',
        groupId: 'fin',
        registered: true,
        registeredSince: at('2026-01-05T09:00:00Z'),
        headcount: 8,
      },
    ],
    [
      'a re-registration keeps when it became registered, takes the new attributes',
      [registered, event('team.registered', '2026-01-06T09:00:00Z', { name: 'Payments', headcount: 6 })],
      { name: 'Payments', groupId: null, registeredSince: at('2026-01-05T09:00:00Z'), headcount: 6 },
    ],
    [
      'archived, then registered again: starts afresh',
      [
        registered,
        event('team.archived', '2026-01-06T00:00:00Z'),
        event('team.registered', '2026-01-07T00:00:00Z', { name: 'P', headcount: 1 }),
      ],
      { registered: true, registeredSince: at('2026-01-07T00:00:00Z') },
    ],
    [
      'archived',
      [registered, event('team.archived', '2026-01-06T00:00:00Z')],
      { registered: false, registeredSince: null },
    ],
    [
      'blocked again while blocked: same block, new reason from then on',
      [
        event('team.blocked', '2026-01-06T00:00:00Z', { reason: 'dependency', blockedBy: 'core' }),
        event('team.blocked', '2026-01-07T00:00:00Z', { reason: 'decision-pending' }),
      ],
      {
        block: {
          since: at('2026-01-06T00:00:00Z'),
          reason: 'decision-pending',
          blockedBy: null,
          reasonSince: at('2026-01-07T00:00:00Z'),
        },
      },
    ],
    [
      'unblocked',
      [
        event('team.blocked', '2026-01-06T00:00:00Z', { reason: 'other' }),
        event('team.unblocked', '2026-01-07T00:00:00Z'),
      ],
      { block: null },
    ],
    [
      'unblocked while not blocked: ignored',
      [event('team.unblocked', '2026-01-07T00:00:00Z')],
      { block: null },
    ],
    [
      'interviews and ships: the latest of each, trio apart',
      [
        event('discovery.interview-held', '2026-01-06T00:00:00Z', {
          participantRoles: ['pm', 'designer', 'engineer'],
        }),
        event('discovery.interview-held', '2026-01-07T00:00:00Z', { participantRoles: ['pm'] }),
        event('delivery.shipped', '2026-01-08T00:00:00Z'),
      ],
      {
        lastInterviewAt: at('2026-01-07T00:00:00Z'),
        lastTrioInterviewAt: at('2026-01-06T00:00:00Z'),
        lastShipAt: at('2026-01-08T00:00:00Z'),
      },
    ],
  ])('%s', (_, events, expected) => {
    expect(fold(events)).toMatchObject(expected);
  });
});

import type { AcceptedEvent } from '@orgpulse/contracts';
import { type TeamState, evolveTeam, initialTeamState } from './team-state';

const ORG = '00000000-0000-4000-8000-000000000001';
let seq = 0;
const event = (
  type: AcceptedEvent['type'],
  occurredAt: string,
  data: Record<string, unknown>,
): AcceptedEvent =>
  ({
    id: `e${++seq}`,
    type,
    occurredAt,
    data: { teamId: 'payments', ...data },
    version: 1,
    orgId: ORG,
    ingestedAt: occurredAt,
  }) as AcceptedEvent;

const fold = (events: AcceptedEvent[]): TeamState => events.reduce(evolveTeam, initialTeamState('payments'));

describe('evolveTeam: a team now', () => {
  it.each<[string, AcceptedEvent[], Partial<TeamState>]>([
    [
      'no events: unregistered, not blocked',
      [],
      { registered: false, blocked: false, headcount: 0, blockedSince: null },
    ],
    [
      'registered: name and headcount',
      [event('team.registered', '2026-01-05T09:00:00Z', { name: 'Payments', headcount: 8 })],
      { registered: true, name: 'Payments', headcount: 8 },
    ],
    [
      'blocked: blocked since the event',
      [event('team.blocked', '2026-01-05T09:00:00Z', { reason: 'dependency' })],
      { blocked: true, blockedSince: '2026-01-05T09:00:00Z', blockReason: 'dependency' },
    ],
    [
      'blocked twice: the interval keeps its start, the reason changes',
      [
        event('team.blocked', '2026-01-05T09:00:00Z', { reason: 'dependency' }),
        event('team.blocked', '2026-01-06T09:00:00Z', { reason: 'decision-pending' }),
      ],
      { blocked: true, blockedSince: '2026-01-05T09:00:00Z', blockReason: 'decision-pending' },
    ],
    [
      'unblocked: not blocked',
      [
        event('team.blocked', '2026-01-05T09:00:00Z', { reason: 'other' }),
        event('team.unblocked', '2026-01-06T09:00:00Z', {}),
      ],
      { blocked: false, blockedSince: null, blockReason: null },
    ],
    [
      'unblocked while not blocked: ignored',
      [event('team.unblocked', '2026-01-06T09:00:00Z', {})],
      { blocked: false },
    ],
    [
      're-registered: attributes replaced, block kept',
      [
        event('team.registered', '2026-01-05T09:00:00Z', { name: 'Payments', headcount: 8, groupId: 'fin' }),
        event('team.blocked', '2026-01-06T09:00:00Z', { reason: 'environment' }),
        event('team.registered', '2026-01-07T09:00:00Z', { name: 'Payments & Billing', headcount: 6 }),
      ],
      {
        name: 'Payments & Billing',
        headcount: 6,
        groupId: null,
        blocked: true,
        blockedSince: '2026-01-06T09:00:00Z',
      },
    ],
    [
      'archived',
      [
        event('team.registered', '2026-01-05T09:00:00Z', { name: 'P', headcount: 1 }),
        event('team.archived', '2026-01-06T09:00:00Z', {}),
      ],
      { archived: true, registered: true },
    ],
    [
      'shipping and interviews do not change status',
      [
        event('delivery.shipped', '2026-01-05T09:00:00Z', {}),
        event('discovery.interview-held', '2026-01-05T10:00:00Z', {}),
      ],
      { blocked: false, registered: false },
    ],
  ])('%s', (_case, given, expected) => {
    expect(fold(given)).toMatchObject(expected);
  });
});

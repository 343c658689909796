import { buildTeamTimeline } from '../teams/team-timeline';
import { at, day, ev } from './metrics.test-support';
import { orgOverview } from './org-overview';

const team = (id: string, ...events: ReturnType<typeof ev>[]) => buildTeamTimeline(id, events);
const teams = [
  team(
    'a',
    ev('team.registered', day(0), { teamId: 'a', name: 'A', headcount: 2 }),
    ev('team.blocked', day(1), { teamId: 'a', reason: 'other' }),
  ),
  team(
    'b',
    ev('team.registered', day(0), { teamId: 'b', name: 'B', headcount: 3 }),
    ev('team.archived', day(4), { teamId: 'b' }),
  ),
  team('c', ev('team.blocked', day(0), { teamId: 'c', reason: 'other' })), // never registered
  team(
    'd',
    ev('team.registered', day(0), { teamId: 'd', name: 'D', headcount: 1 }),
    ev('team.blocked', day(1), { teamId: 'd', reason: 'other' }),
    ev('team.unblocked', day(3), { teamId: 'd' }),
  ),
];

describe('org overview at min(to, now)', () => {
  it.each([
    [
      'before the archive and the unblock',
      day(2),
      day(50),
      { teams: 3, blockedTeams: 2, idlePersonDays: 2 + 1 },
    ],
    ['after both', day(5), day(50), { teams: 2, blockedTeams: 1, idlePersonDays: 8 + 2 }],
    [
      '`to` later than now: measured at now',
      day(50),
      day(2),
      { teams: 3, blockedTeams: 2, idlePersonDays: 2 + 1 },
    ],
  ])('%s', (_case, to, now, expected) => {
    const result = orgOverview(teams, { from: at(day(0)), to: at(to) }, at(now));
    expect(result).toMatchObject({ ...expected, idlePersonDays: expect.closeTo(expected.idlePersonDays, 9) });
  });
});

import { GroupHierarchy } from '../groups/group-hierarchy';
import { buildGroupTimeline } from '../groups/group-timeline';
import { buildTeamTimeline } from '../teams/team-timeline';
import { blockingEdges } from './idleness';
import { at, day, ev } from './metrics.test-support';
import { rollUp, weeklyTrend } from './roll-up';

const trio = ['pm', 'designer', 'engineer'];
// Window: the ISO week of day 0 (Monday 2026-01-05) .. day 7; now is day 10.
const W = { from: at(day(0)), to: at(day(7)) };
const NOW = at(day(10));

// a (4 people) blocked by x for days 1..3; b (2 people) blocked day 2..5, by a from day 4 on.
const a = buildTeamTimeline('a', [
  ev('team.registered', day(0), { teamId: 'a', name: 'A', headcount: 4, groupId: 'payments' }),
  ev('team.blocked', day(1), { teamId: 'a', reason: 'dependency', blockedBy: 'x' }),
  ev('team.unblocked', day(3), { teamId: 'a' }),
  ev('discovery.interview-held', day(1), { teamId: 'a', participantRoles: trio }),
  ev('discovery.interview-held', day(2), { teamId: 'a', participantRoles: ['pm', 'engineer'] }),
  ev('delivery.shipped', day(4), { teamId: 'a' }),
]);
const b = buildTeamTimeline('b', [
  ev('team.registered', day(0), { teamId: 'b', name: 'B', headcount: 2, groupId: 'payments' }),
  ev('team.blocked', day(2), { teamId: 'b', reason: 'other' }),
  ev('discovery.interview-held', day(3), { teamId: 'b', participantRoles: [...trio, 'leader'] }),
  ev('team.blocked', day(4), { teamId: 'b', reason: 'dependency', blockedBy: 'a' }),
  ev('team.unblocked', day(5), { teamId: 'b' }),
]);

describe('roll-up of a group over a window (contract §8)', () => {
  it.each<[string, number | null, Record<string, unknown>]>([
    [
      'without a price',
      null,
      {
        teams: 2,
        blockedTeams: 0,
        idlePersonDays: 4 * 2 + 2 * 3,
        blockedHours: 48 + 72,
        interviews: 3,
        trioInterviews: 2,
        ships: 1,
        idleCost: null,
      },
    ],
    ['at 100 per idle person-day', 100, { idlePersonDays: 14, idleCost: 1400 }],
  ])('%s', (_given, price, expected) => {
    expect(rollUp([a, b], W, NOW, price)).toMatchObject(expected);
  });

  it('counts the teams blocked at min(to, now)', () => {
    expect(rollUp([a, b], { from: W.from, to: at(day(2, 12)) }, NOW, null)).toMatchObject({
      teams: 2,
      blockedTeams: 2,
    });
  });
});

describe('blocking edges (contract §8)', () => {
  it.each<[string, { from: number; to: number }, unknown[]]>([
    [
      'the whole week: x blocks a 48 h (8 person-days); a blocks b 24 h (2); b’s unnamed block is no edge',
      W,
      [
        { blockingTeamId: 'x', blockedTeamId: 'a', blockedHours: 48, idlePersonDays: 8 },
        { blockingTeamId: 'a', blockedTeamId: 'b', blockedHours: 24, idlePersonDays: 2 },
      ],
    ],
    [
      'clipped to day 2 12:00 .. day 4 12:00',
      { from: at(day(2, 12)), to: at(day(4, 12)) },
      [
        { blockingTeamId: 'x', blockedTeamId: 'a', blockedHours: 12, idlePersonDays: 2 },
        { blockingTeamId: 'a', blockedTeamId: 'b', blockedHours: 12, idlePersonDays: 1 },
      ],
    ],
    ['a window with no blocked time has no edges', { from: at(day(5)), to: at(day(7)) }, []],
  ])('%s', (_given, window, expected) => {
    expect(blockingEdges([a, b], window, NOW)).toEqual(expected);
  });

  it('runs an open block until now, and a later re-block by another team splits the pair', () => {
    const c = buildTeamTimeline('c', [
      ev('team.registered', day(0), { teamId: 'c', name: 'C', headcount: 3 }),
      ev('team.blocked', day(8), { teamId: 'c', reason: 'dependency', blockedBy: 'a' }),
      ev('team.blocked', day(9), { teamId: 'c', reason: 'dependency', blockedBy: 'b' }),
    ]);
    expect(blockingEdges([c], { from: at(day(7)), to: at(day(14)) }, NOW)).toEqual([
      { blockingTeamId: 'a', blockedTeamId: 'c', blockedHours: 24, idlePersonDays: 3 },
      { blockingTeamId: 'b', blockedTeamId: 'c', blockedHours: 24, idlePersonDays: 3 },
    ]);
  });
});

describe('group weekly trend: each week counts the teams of the group at its end (contract §8)', () => {
  // c ships on day 3 and day 10, moves from payments to sales on day 9.
  const c = buildTeamTimeline('c', [
    ev('team.registered', day(0), { teamId: 'c', name: 'C', headcount: 1, groupId: 'payments' }),
    ev('delivery.shipped', day(3), { teamId: 'c' }),
    ev('team.registered', day(9), { teamId: 'c', name: 'C', headcount: 1, groupId: 'sales' }),
    ev('delivery.shipped', day(10), { teamId: 'c' }),
  ]);
  const groups = [
    buildGroupTimeline('payments', [ev('group.registered', day(0), { groupId: 'payments', name: 'P' })]),
    buildGroupTimeline('sales', [ev('group.registered', day(0), { groupId: 'sales', name: 'S' })]),
  ];
  const trend = (groupId: string) =>
    weeklyTrend({ from: at(day(0)), to: at(day(14)) }, at(day(20)), (t) =>
      GroupHierarchy.fromTimelines(groups, [c], t).teamsOf(groupId, [c]),
    ).map((w) => w.ships);

  it.each([
    [
      'payments has the day-3 ship (c was there at the end of week 1), not the day-10 one',
      'payments',
      [1, 0],
    ],
    ['sales has the day-10 ship only', 'sales', [0, 1]],
  ])('%s', (_case, groupId, ships) => {
    expect(trend(groupId)).toEqual(ships);
  });
});

import { buildTeamTimeline } from '../teams/team-timeline';
import type { Window } from '../time/window';
import { idleness, idlenessBy } from './idleness';
import { at, day, ev } from './metrics.test-support';

const team = (...events: ReturnType<typeof ev>[]) => buildTeamTimeline('t', events);
const win = (from: string, to: string): Window => ({ from: at(from), to: at(to) });
const registered = (when: string, headcount: number) =>
  ev('team.registered', when, { teamId: 't', name: 'T', headcount });
const blocked = (when: string, reason = 'dependency', blockedBy?: string) =>
  ev('team.blocked', when, { teamId: 't', reason, ...(blockedBy ? { blockedBy } : {}) });
const unblocked = (when: string) => ev('team.unblocked', when, { teamId: 't' });
const NOW = at(day(100));

describe('idleness: given a team history, when measured over a window, then', () => {
  it.each<
    [
      string,
      ReturnType<typeof ev>[],
      Window,
      number,
      { blockedHours: number; idlePersonDays: number; blockedEpisodes: number },
    ]
  >([
    [
      '8 people blocked 21 days = 168 idle person-days',
      [registered(day(0), 8), blocked(day(1)), unblocked(day(22))],
      win(day(0), day(60)),
      NOW,
      { blockedHours: 504, idlePersonDays: 168, blockedEpisodes: 1 },
    ],
    [
      'headcount 5 becomes 6 mid-block: 5×4 + 6×6 = 56',
      [registered(day(0), 5), blocked(day(1)), registered(day(5), 6), unblocked(day(11))],
      win(day(0), day(60)),
      NOW,
      { blockedHours: 240, idlePersonDays: 56, blockedEpisodes: 1 },
    ],
    [
      'a window cutting a block on both sides',
      [registered(day(0), 4), blocked(day(1)), unblocked(day(11))],
      win(day(3), day(5)),
      NOW,
      { blockedHours: 48, idlePersonDays: 8, blockedEpisodes: 0 },
    ],
    [
      'an open interval runs until now',
      [registered(day(0), 2), blocked(day(1))],
      win(day(0), day(60)),
      at(day(3)),
      { blockedHours: 48, idlePersonDays: 4, blockedEpisodes: 1 },
    ],
    [
      'an open interval stops at the window end before now',
      [registered(day(0), 2), blocked(day(1))],
      win(day(0), day(2)),
      at(day(9)),
      { blockedHours: 24, idlePersonDays: 2, blockedEpisodes: 1 },
    ],
    [
      'blocked again while blocked: one interval',
      [registered(day(0), 1), blocked(day(1)), blocked(day(2), 'decision-pending'), unblocked(day(3))],
      win(day(0), day(9)),
      NOW,
      { blockedHours: 48, idlePersonDays: 2, blockedEpisodes: 1 },
    ],
    [
      'unblocked while not blocked: ignored',
      [registered(day(0), 1), unblocked(day(1)), blocked(day(2)), unblocked(day(3)), unblocked(day(4))],
      win(day(0), day(9)),
      NOW,
      { blockedHours: 24, idlePersonDays: 1, blockedEpisodes: 1 },
    ],
    [
      'repeated blocks: each interval counts',
      [registered(day(0), 3), blocked(day(1)), unblocked(day(2)), blocked(day(4)), unblocked(day(6))],
      win(day(0), day(9)),
      NOW,
      { blockedHours: 72, idlePersonDays: 9, blockedEpisodes: 2 },
    ],
    [
      'an unregistered team has headcount 0: hours but no person-days',
      [blocked(day(1)), unblocked(day(2))],
      win(day(0), day(9)),
      NOW,
      { blockedHours: 24, idlePersonDays: 0, blockedEpisodes: 1 },
    ],
    [
      'registered during the block: person-days from then on',
      [blocked(day(1)), registered(day(2), 10), unblocked(day(3))],
      win(day(0), day(9)),
      NOW,
      { blockedHours: 48, idlePersonDays: 10, blockedEpisodes: 1 },
    ],
    [
      'an empty window',
      [registered(day(0), 3), blocked(day(1))],
      win(day(5), day(5)),
      NOW,
      { blockedHours: 0, idlePersonDays: 0, blockedEpisodes: 0 },
    ],
    [
      'a block starting exactly at `to` is outside',
      [registered(day(0), 3), blocked(day(5)), unblocked(day(6))],
      win(day(0), day(5)),
      NOW,
      { blockedHours: 0, idlePersonDays: 0, blockedEpisodes: 0 },
    ],
    [
      'a block starting exactly at `from` is inside',
      [registered(day(0), 3), blocked(day(5)), unblocked(day(6))],
      win(day(5), day(9)),
      NOW,
      { blockedHours: 24, idlePersonDays: 3, blockedEpisodes: 1 },
    ],
    [
      'a window entirely in the future of now',
      [registered(day(0), 3), blocked(day(1))],
      win(day(10), day(20)),
      at(day(5)),
      { blockedHours: 0, idlePersonDays: 0, blockedEpisodes: 0 },
    ],
  ])('%s', (_case, events, window, now, expected) => {
    const result = idleness(team(...events), window, now);
    expect(result.blockedHours).toBeCloseTo(expected.blockedHours, 9);
    expect(result.idlePersonDays).toBeCloseTo(expected.idlePersonDays, 9);
    expect(result.blockedEpisodes).toBe(expected.blockedEpisodes);
  });

  it('a late event (folded in occurrence order) changes the numbers as if it had come in time', () => {
    const inOrder = [registered(day(0), 4), blocked(day(1)), unblocked(day(3))];
    expect(idleness(team(...inOrder), win(day(0), day(9)), NOW).idlePersonDays).toBe(8);
  });

  it('splits idle time by reason and by blocking team', () => {
    const timeline = team(
      registered(day(0), 2),
      blocked(day(1), 'dependency', 'platform'),
      blocked(day(3), 'decision-pending'),
      unblocked(day(4)),
    );
    expect(idlenessBy(timeline, win(day(0), day(9)), NOW, 'reason')).toEqual([
      { key: 'dependency', blockedHours: 48, idlePersonDays: 4 },
      { key: 'decision-pending', blockedHours: 24, idlePersonDays: 2 },
    ]);
    expect(idlenessBy(timeline, win(day(0), day(9)), NOW, 'blockedBy')).toEqual([
      { key: 'platform', blockedHours: 48, idlePersonDays: 4 },
      { key: 'unknown', blockedHours: 24, idlePersonDays: 2 },
    ]);
  });
});

import { at, day, ev } from '../metrics/metrics.test-support';
import { managerSubtree } from './manager-subtree';
import { buildPersonTimeline } from './person-timeline';

const person = (id: string, managerId: string | null, moves: [string, string | null][] = []) =>
  buildPersonTimeline(id, [
    ev('person.registered', day(0), { personId: id, role: 'engineer', managerId }),
    ...moves.map(([when, to]) => ev('person.manager-changed', when, { personId: id, managerId: to })),
  ]);

// vp ← {em1, em2}; em1 ← {e1, e2}; em2 ← {e3}; e4 moves from em2 to someone outside on day 5.
const people = [
  person('vp', null),
  person('em1', 'vp'),
  person('em2', 'vp'),
  person('e1', 'em1'),
  person('e2', 'em1'),
  person('e3', 'em2'),
  person('e4', 'em2', [[day(5), 'outsider']]),
  person('outsider', null),
];
const held = (pairs: [string, string, string][]) => {
  const byManager = new Map<string, { reportId: string; at: number }[]>();
  for (const [managerId, reportId, when] of pairs)
    byManager.set(managerId, [...(byManager.get(managerId) ?? []), { reportId, at: at(when) }]);
  return byManager;
};

describe('manager subtree at asOf (contract §8)', () => {
  it.each<[string, string, string, [string, string, string][], object]>([
    [
      'the vp on day 3: 6 people below, 2 of them with reports; 3 of 6 pairs met',
      'vp',
      day(3),
      [
        ['vp', 'em1', day(1)],
        ['em1', 'e1', day(2)],
        ['em2', 'e3', day(3)],
      ],
      { people: 6, managers: 2, oneOnOneCoverage: 3 / 6 },
    ],
    [
      'after e4 moved out on day 5: 5 people, 5 pairs',
      'vp',
      day(6),
      [
        ['vp', 'em1', day(1)],
        ['em1', 'e1', day(2)],
        ['em2', 'e3', day(3)],
      ],
      { people: 5, managers: 2, oneOnOneCoverage: 3 / 5 },
    ],
    [
      'a 1:1 older than E days does not count',
      'em1',
      day(20),
      [['em1', 'e1', day(2)]],
      { people: 2, managers: 0, oneOnOneCoverage: 0 },
    ],
    [
      'a leaf has no subtree and no pairs',
      'e1',
      day(3),
      [],
      { people: 0, managers: 0, oneOnOneCoverage: null },
    ],
  ])('%s', (_case, managerId, asOf, oneOnOnes, expected) => {
    expect(managerSubtree(managerId, people, held(oneOnOnes), at(asOf), 14)).toEqual(expected);
  });

  it('stops at a repeat: a ↔ b report to each other, c reports to a', () => {
    const cycle = [person('a', 'b'), person('b', 'a'), person('c', 'a')];
    expect(managerSubtree('a', cycle, new Map(), at(day(1)), 14)).toEqual({
      people: 2, // b and c; a's own walk stops at a
      managers: 1, // b, who has a report (a); c has none
      oneOnOneCoverage: 0, // pairs (a,b) and (a,c); (b,a) is not inside: a is not in its own subtree
    });
  });
});

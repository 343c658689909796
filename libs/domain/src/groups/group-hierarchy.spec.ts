import { at, day, ev } from '../metrics/metrics.test-support';
import { buildTeamTimeline } from '../teams/team-timeline';
import { GroupHierarchy } from './group-hierarchy';
import { buildGroupTimeline } from './group-timeline';

type Ev = ReturnType<typeof ev>;
const group = (id: string, name: string, parentId: string | null, when: string): Ev =>
  ev('group.registered', when, { groupId: id, name, parentId });
const registered = (teamId: string, groupId: string | undefined, when: string): Ev =>
  ev('team.registered', when, { teamId, name: teamId, headcount: 1, ...(groupId ? { groupId } : {}) });

/** Folds events per subject, as the projector does, in occurrence order. */
function hierarchyAt(
  events: Ev[],
  t: string,
): { h: GroupHierarchy; teams: ReturnType<typeof buildTeamTimeline>[] } {
  const sorted = [...events].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  const groupIds = [
    ...new Set(
      sorted.filter((e) => e.type === 'group.registered').map((e) => (e.data as { groupId: string }).groupId),
    ),
  ];
  const teamIds = [
    ...new Set(
      sorted.filter((e) => e.type !== 'group.registered').map((e) => (e.data as { teamId: string }).teamId),
    ),
  ];
  const groups = groupIds.map((id) =>
    buildGroupTimeline(
      id,
      sorted.filter((e) => e.type === 'group.registered' && (e.data as { groupId: string }).groupId === id),
    ),
  );
  const teams = teamIds.map((id) =>
    buildTeamTimeline(
      id,
      sorted.filter((e) => e.type !== 'group.registered' && (e.data as { teamId: string }).teamId === id),
    ),
  );
  return { h: GroupHierarchy.fromTimelines(groups, teams, at(t)), teams };
}

const sortedSet = (s: Set<string>) => [...s].sort();
const ids = (teams: { teamId: string }[]) => teams.map((t) => t.teamId).sort();

describe('group hierarchy as of a time (contract §8)', () => {
  // given: org ← platform ← {payments, identity}; sales is a root of its own
  const base = [
    group('org', 'Org', null, day(0)),
    group('platform', 'Platform', 'org', day(0)),
    group('payments', 'Payments', 'platform', day(0)),
    group('identity', 'Identity', 'platform', day(0)),
    group('sales', 'Sales', null, day(0)),
  ];

  it.each<
    [
      string,
      Ev[],
      string,
      string,
      { ancestors?: string[]; subtree?: string[]; name?: string | null; parent?: string | null },
    ]
  >([
    [
      'a plain tree: ancestors walk to the root',
      base,
      day(1),
      'payments',
      { ancestors: ['platform', 'org'] },
    ],
    [
      'a plain tree: the subtree holds the descendants',
      base,
      day(1),
      'platform',
      { subtree: ['identity', 'payments', 'platform'] },
    ],
    ['a root is its own subtree', base, day(1), 'sales', { subtree: ['sales'], ancestors: [] }],
    [
      'a cycle a → b → a: the walk stops at the first repeat',
      [group('a', 'A', 'b', day(0)), group('b', 'B', 'a', day(0)), group('c', 'C', 'a', day(0))],
      day(1),
      'c',
      { ancestors: ['a', 'b'] },
    ],
    [
      'a cycle: each group of it has the other in its subtree, and a child of one is in both',
      [group('a', 'A', 'b', day(0)), group('b', 'B', 'a', day(0)), group('c', 'C', 'a', day(0))],
      day(1),
      'b',
      { subtree: ['a', 'b', 'c'] },
    ],
    [
      'a self-parent is a root with itself in its subtree once',
      [group('x', 'X', 'x', day(0))],
      day(1),
      'x',
      { ancestors: [], subtree: ['x'] },
    ],
    [
      'a parent registered after its child (in occurrence time): named, nameless until then',
      [group('child', 'Child', 'late-parent', day(0)), group('late-parent', 'Late', null, day(3))],
      day(1),
      'late-parent',
      { name: null, subtree: ['child', 'late-parent'], parent: null },
    ],
    [
      'the same parent once registered',
      [group('child', 'Child', 'late-parent', day(0)), group('late-parent', 'Late', null, day(3))],
      day(4),
      'late-parent',
      { name: 'Late', subtree: ['child', 'late-parent'] },
    ],
    [
      'a group named only by a team exists, unnamed, as a root',
      [...base, registered('t1', 'ghost', day(0))],
      day(1),
      'ghost',
      { name: null, parent: null, subtree: ['ghost'] },
    ],
    [
      're-parented on day 2: before, identity is under platform',
      [...base, group('identity', 'Identity', 'sales', day(2))],
      day(1),
      'platform',
      { subtree: ['identity', 'payments', 'platform'] },
    ],
    [
      're-parented on day 2: after, identity is under sales',
      [...base, group('identity', 'Identity', 'sales', day(2))],
      day(2),
      'sales',
      { subtree: ['identity', 'sales'], ancestors: [] },
    ],
    [
      're-parented on day 2: after, platform has lost it',
      [...base, group('identity', 'Identity', 'sales', day(2))],
      day(3),
      'platform',
      { subtree: ['payments', 'platform'] },
    ],
    ['an unknown group has an empty subtree', base, day(1), 'nope', { subtree: [], ancestors: [] }],
  ])('given %s', (_given, events, t, id, then) => {
    const { h } = hierarchyAt(events, t);
    if (then.ancestors) expect(h.ancestorsOf(id)).toEqual(then.ancestors);
    if (then.subtree) expect(sortedSet(h.subtreeOf(id))).toEqual(then.subtree);
    if (then.name !== undefined) expect(h.get(id)?.name ?? null).toEqual(then.name);
    if (then.parent !== undefined) expect(h.get(id)?.parentId).toEqual(then.parent);
  });

  it('lists every group any event names, as a group, a parent or a team group, once', () => {
    const { h } = hierarchyAt(
      [group('a', 'A', 'p', day(0)), registered('t1', 'g', day(0)), registered('t2', 'a', day(0))],
      day(1),
    );
    expect(h.all().map((g) => g.id)).toEqual(['a', 'g', 'p']);
  });

  describe('team membership at t', () => {
    // t1 in payments from day 0, moves to sales on day 2; t2 in identity; t3 archived on day 1
    const events = [
      ...base,
      registered('t1', 'payments', day(0)),
      registered('t1', 'sales', day(2)),
      registered('t2', 'identity', day(0)),
      registered('t3', 'payments', day(0)),
      ev('team.archived', day(1), { teamId: 't3' }),
      registered('t4', undefined, day(0)),
    ];
    it.each<[string, string, string, boolean, string[]]>([
      [
        'platform roll-up on day 0 holds every team of its subtree',
        day(0, 12),
        'platform',
        true,
        ['t1', 't2', 't3'],
      ],
      ['an archived team leaves it', day(1, 12), 'platform', true, ['t1', 't2']],
      ['a team that moved counts where it is at t', day(2, 12), 'platform', true, ['t2']],
      ['... and in its new group', day(2, 12), 'sales', true, ['t1']],
      ['the org root rolls up everything in its tree', day(0, 12), 'org', true, ['t1', 't2', 't3']],
      ['non-recursive: only the group itself', day(0, 12), 'platform', false, []],
      ['non-recursive on a leaf', day(0, 12), 'payments', false, ['t1', 't3']],
    ])('%s', (_case, t, id, recursive, expected) => {
      const { h, teams } = hierarchyAt(events, t);
      expect(ids(h.teamsOf(id, teams, recursive))).toEqual(expected);
    });
  });
});

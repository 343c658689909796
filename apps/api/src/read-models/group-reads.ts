import {
  type GroupAt,
  type GroupFact,
  type GroupHead,
  GroupHierarchy,
  groupReadModel,
  groupTimelineFrom,
  latestAt,
  teamReadModel,
} from '@orgpulse/domain';
import { type Queryable, ReadModelReader } from '@orgpulse/persistence';
import type { SharedRead } from './shared-read';

// loosely: an id named, a group's head (its state, name and parent)
const NAMED_BYTES = 80;
const HEAD_BYTES = 400;

/**
 * The org's groups as of any time (contract §8): every group any event names (registered, a parent, a
 * team's group), each with the name and parent of its latest registration at or before t. Registered
 * groups are read by their heads; only those registered again after t are read from their weeks.
 */
export class GroupReads {
  private readonly groups: ReadModelReader<GroupHead, GroupFact>;
  private readonly teams: ReadModelReader<unknown, unknown>;
  private namedOnce?: Promise<{
    heads: Awaited<ReturnType<ReadModelReader<GroupHead, GroupFact>['listHeads']>>;
    named: string[];
  }>;

  constructor(
    db: Queryable,
    private readonly orgId: string,
    private readonly shared?: SharedRead,
  ) {
    this.groups = new ReadModelReader(db, groupReadModel);
    this.teams = new ReadModelReader(db, teamReadModel);
  }

  async hierarchyAt(t: number): Promise<GroupHierarchy> {
    const { heads, named } = await this.named();
    const later = heads.filter((h) => h.lastAt > t).map((h) => h.subjectId);
    const past = await this.groups.weeksFrom(this.orgId, later, t, t + 1);
    const registered = new Map<string, GroupAt>();
    for (const head of heads) {
      const weeks = past.get(head.subjectId);
      const state = weeks === undefined ? head.state : stateAt(head.subjectId, weeks, t);
      registered.set(head.subjectId, { id: head.subjectId, name: state.name, parentId: state.parentId });
    }
    const all = new Set([...named, ...registered.keys()]);
    return new GroupHierarchy(
      [...all].map((id) => registered.get(id) ?? { id, name: null, parentId: null }),
      t,
    );
  }

  private named() {
    const read = () =>
      Promise.all([
        this.groups.listHeads(this.orgId, { first: Number.MAX_SAFE_INTEGER }),
        this.groups.linkIds(this.orgId),
        this.teams.linkIds(this.orgId),
      ]).then(([heads, parents, teamGroups]) => ({ heads, named: [...parents, ...teamGroups] }));
    // three statements every request of a group would make, the same until the org's data changes
    this.namedOnce ??= this.shared
      ? this.shared('group names', read, (v) => NAMED_BYTES * v.named.length + HEAD_BYTES * v.heads.length)
      : read();
    return this.namedOnce;
  }
}

function stateAt(
  groupId: string,
  weeks: { week: number; start: GroupHead; facts: { at: number; position: number; data: GroupFact }[] }[],
  t: number,
): { name: string | null; parentId: string | null } {
  if (weeks.length === 0) return { name: null, parentId: null };
  const timeline = groupTimelineFrom(
    weeks[0].start,
    weeks[0].week,
    weeks.flatMap((w) => w.facts),
  );
  const latest = latestAt(timeline.registrations, t);
  return { name: latest?.name ?? null, parentId: latest?.parentId ?? null };
}

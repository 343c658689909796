import { type TeamTimeline, groupAt, isRegisteredAt, latestAt } from '../teams/team-timeline';
import type { GroupTimeline } from './group-timeline';

export interface GroupAt {
  id: string;
  /** null until the group is registered (as of t). */
  name: string | null;
  parentId: string | null;
}

/**
 * The org's groups as of one time t (contract §8): every group any accepted event names, each with the
 * parent of its latest registration at or before t. Walks stop at the first repeat, so a cycle sent by
 * an integration never loops.
 */
export class GroupHierarchy {
  private readonly groups = new Map<string, GroupAt>();
  private readonly children = new Map<string, string[]>();

  /** `groups`: every group named as of t, with its name and parent then (each id once). */
  constructor(
    groups: readonly GroupAt[],
    readonly at: number,
  ) {
    for (const group of [...groups].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
      this.groups.set(group.id, group);
    for (const group of this.groups.values()) {
      if (group.parentId === null) continue;
      const siblings = this.children.get(group.parentId) ?? [];
      siblings.push(group.id);
      this.children.set(group.parentId, siblings);
    }
  }

  /** The hierarchy as of t from whole group timelines and the teams that name groups. */
  static fromTimelines(
    timelines: readonly GroupTimeline[],
    teams: readonly TeamTimeline[],
    at: number,
  ): GroupHierarchy {
    const named = new Set<string>();
    for (const group of timelines) {
      named.add(group.groupId);
      for (const r of group.registrations) if (r.parentId !== null) named.add(r.parentId);
    }
    for (const team of teams) for (const m of team.memberships) if (m.groupId !== null) named.add(m.groupId);
    return new GroupHierarchy(groupsAt(timelines, named, at), at);
  }

  /** Every group any accepted event names, in id order. */
  all(): GroupAt[] {
    return [...this.groups.values()];
  }

  get(id: string): GroupAt | undefined {
    return this.groups.get(id);
  }

  childrenOf(id: string): GroupAt[] {
    return (this.children.get(id) ?? []).map((child) => this.groups.get(child)).filter(isDefined);
  }

  /** Parents walked up from g, stopping at a root or at the first group already visited. */
  ancestorsOf(id: string): string[] {
    const visited = new Set([id]);
    const ancestors: string[] = [];
    for (let parent = this.groups.get(id)?.parentId ?? null; parent !== null && !visited.has(parent);) {
      visited.add(parent);
      ancestors.push(parent);
      parent = this.groups.get(parent)?.parentId ?? null;
    }
    return ancestors;
  }

  /** G and every group that has G among its ancestors; empty for a group no event names. */
  subtreeOf(id: string): Set<string> {
    if (!this.groups.has(id)) return new Set();
    // Walking children from G reaches exactly the groups whose parent walk reaches G.
    const subtree = new Set([id]);
    const queue = [id];
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      for (const child of this.children.get(next) ?? []) {
        if (subtree.has(child)) continue;
        subtree.add(child);
        queue.push(child);
      }
    }
    return subtree;
  }

  /** The teams registered and not archived at t whose group at t is in G's subtree (or is G) at t. */
  teamsOf(id: string, teams: readonly TeamTimeline[], recursive = true): TeamTimeline[] {
    const subtree = recursive ? this.subtreeOf(id) : new Set([id]);
    return teams.filter((team) => {
      const group = groupAt(team, this.at);
      return group !== null && subtree.has(group) && isRegisteredAt(team, this.at);
    });
  }
}

/** Every named group as of t: from its timeline when it has one, else unnamed and parentless. */
export function groupsAt(
  timelines: readonly GroupTimeline[],
  named: Iterable<string>,
  at: number,
): GroupAt[] {
  const byId = new Map(timelines.map((g) => [g.groupId, g]));
  const ids = new Set([...named, ...byId.keys()]);
  return [...ids].map((id) => {
    const latest = latestAt(byId.get(id)?.registrations ?? [], at);
    return { id, name: latest?.name ?? null, parentId: latest?.parentId ?? null };
  });
}

const isDefined = <T>(value: T | undefined): value is T => value !== undefined;

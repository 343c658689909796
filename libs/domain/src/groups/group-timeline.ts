import type { AcceptedEvent } from '@orgpulse/contracts';
import type { Fact } from '../projections/read-model';

export interface GroupRegistration {
  at: number;
  name: string;
  parentId: string | null;
}

/** A group's registrations in occurrence order: its name and parent from each one's `at` on (§8). */
export interface GroupTimeline {
  groupId: string;
  registrations: GroupRegistration[];
}

/** What the hierarchy keeps of a group.registered. */
export interface GroupFact {
  name: string;
  parentId: string | null;
}

export const groupFactOf = (event: AcceptedEvent): GroupFact | undefined =>
  event.type === 'group.registered'
    ? { name: event.data.name, parentId: event.data.parentId ?? null }
    : undefined;

/** A group as of its latest registration (null name and parent: never registered). */
export interface GroupHead {
  groupId: string;
  name: string | null;
  parentId: string | null;
}

export const emptyGroupHead = (groupId: string): GroupHead => ({ groupId, name: null, parentId: null });

export const evolveGroupHead = (head: GroupHead, { data }: Fact<GroupFact>): GroupHead => ({
  ...head,
  name: data.name,
  parentId: data.parentId,
});

/** The group from `startAt` on: `start` is its head then, `facts` (in order) its registrations since. */
export function groupTimelineFrom(
  start: GroupHead,
  startAt: number,
  facts: Iterable<Fact<GroupFact>>,
): GroupTimeline {
  const registrations: GroupRegistration[] =
    start.name === null ? [] : [{ at: startAt, name: start.name, parentId: start.parentId }];
  for (const { at, data } of facts) registrations.push({ at, ...data });
  return { groupId: start.groupId, registrations };
}

export const emptyGroupTimeline = (groupId: string): GroupTimeline => ({ groupId, registrations: [] });

export function buildGroupTimeline(groupId: string, ordered: Iterable<AcceptedEvent>): GroupTimeline {
  const group = emptyGroupTimeline(groupId);
  for (const event of ordered) {
    const fact = groupFactOf(event);
    if (fact) group.registrations.push({ at: Date.parse(event.occurredAt), ...fact });
  }
  return group;
}

import type { AcceptedEvent } from '@orgpulse/contracts';

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

export const emptyGroupTimeline = (groupId: string): GroupTimeline => ({ groupId, registrations: [] });

export function evolveGroupTimeline(group: GroupTimeline, event: AcceptedEvent): GroupTimeline {
  if (event.type !== 'group.registered') return group;
  const registration = {
    at: Date.parse(event.occurredAt),
    name: event.data.name,
    parentId: event.data.parentId ?? null,
  };
  return { ...group, registrations: [...group.registrations, registration] };
}

export const buildGroupTimeline = (groupId: string, ordered: Iterable<AcceptedEvent>): GroupTimeline => {
  let group = emptyGroupTimeline(groupId);
  for (const event of ordered) group = evolveGroupTimeline(group, event);
  return group;
};

import type { Fact } from '../projections/read-model';
import type { OneOnOneFact } from './person-facts';

/**
 * A manager's latest 1:1 with each person they ever held one with: what the overdue rule reads. Its size
 * grows with the people a manager ever met, not with the number of 1:1s.
 */
export interface ManagerHead {
  managerId: string;
  lastOneOnOneWith: Record<string, number>;
}

export const emptyManagerHead = (managerId: string): ManagerHead => ({ managerId, lastOneOnOneWith: {} });

export function evolveManagerHead(head: ManagerHead, { at, data }: Fact<OneOnOneFact>): ManagerHead {
  const last = head.lastOneOnOneWith[data.reportId];
  if (last !== undefined && last >= at) return head;
  return { ...head, lastOneOnOneWith: { ...head.lastOneOnOneWith, [data.reportId]: at } };
}

/** evolveManagerHead over several facts, copying the 1:1s once rather than once a fact. */
export function evolveManagerHeadAll(head: ManagerHead, facts: readonly Fact<OneOnOneFact>[]): ManagerHead {
  let latest: Record<string, number> | undefined;
  for (const { at, data } of facts) {
    const last = (latest ?? head.lastOneOnOneWith)[data.reportId];
    if (last !== undefined && last >= at) continue;
    latest ??= { ...head.lastOneOnOneWith };
    // an assignment to __proto__ would set the prototype, not a key as the spread in evolveManagerHead does
    if (data.reportId === '__proto__') latest = { ...latest, [data.reportId]: at };
    else latest[data.reportId] = at;
  }
  return latest === undefined ? head : { ...head, lastOneOnOneWith: latest };
}

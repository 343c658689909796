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

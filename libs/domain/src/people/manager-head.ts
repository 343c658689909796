import type { AcceptedEvent } from '@orgpulse/contracts';

/**
 * A manager's latest 1:1 with each person they ever held one with: what the overdue rule reads. Its size
 * grows with the people a manager ever met, not with the number of 1:1s.
 */
export interface ManagerHead {
  managerId: string;
  lastOneOnOneWith: Record<string, number>;
}

export const emptyManagerHead = (managerId: string): ManagerHead => ({ managerId, lastOneOnOneWith: {} });

export function evolveManagerHead(head: ManagerHead, event: AcceptedEvent): ManagerHead {
  if (event.type !== 'one-on-one.held') return head;
  const at = Date.parse(event.occurredAt);
  const { reportId } = event.data;
  const last = head.lastOneOnOneWith[reportId];
  if (last !== undefined && last >= at) return head;
  return { ...head, lastOneOnOneWith: { ...head.lastOneOnOneWith, [reportId]: at } };
}

import type { AcceptedEvent } from '@orgpulse/contracts';

export const at = (iso: string): number => Date.parse(iso);
export const day = (n: number, hour = 0): string => new Date(Date.UTC(2026, 0, 5 + n, hour)).toISOString(); // day 0 = Monday 2026-01-05

let seq = 0;
export function ev(
  type: AcceptedEvent['type'],
  occurredAt: string,
  data: Record<string, unknown> = {},
): AcceptedEvent {
  seq += 1;
  return {
    id: `e${seq}`,
    type,
    occurredAt,
    data,
    version: 1,
    orgId: '00000000-0000-4000-8000-000000000001',
    ingestedAt: occurredAt,
  } as AcceptedEvent;
}

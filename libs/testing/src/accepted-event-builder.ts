import type { AcceptedEvent } from '@orgpulse/contracts';

export type BuildAcceptedEvent = (
  orgId: string,
  type: AcceptedEvent['type'],
  at: number,
  data: Record<string, unknown>,
) => AcceptedEvent;

/**
 * Accepted events for tests that write straight to the store or the engine, skipping ingest: ids
 * `<prefix>1`, `<prefix>2`… in the order built, occurred at `at` (epoch ms), ingested now.
 */
export function acceptedEventBuilder(prefix = 'e'): BuildAcceptedEvent {
  let seq = 0;
  return (orgId, type, at, data) =>
    ({
      id: `${prefix}${(seq += 1)}`,
      type,
      version: 1,
      orgId,
      occurredAt: new Date(at).toISOString(),
      ingestedAt: new Date().toISOString(),
      data,
    }) as AcceptedEvent;
}

import type { ConflictingEvent } from '@orgpulse/persistence';
import type { Logger } from '@orgpulse/platform';

/**
 * Contract §11: a re-used identity with other content keeps the first event, and is never silent:
 * counted by org on /metrics and logged at warn with both ids (the event's, and the stored position
 * that holds its identity) and where the repeat was read.
 */
export function reportConflicts(
  conflicts: readonly ConflictingEvent[],
  metrics: { recordConflictingEvent(orgId: string): void },
  logger: Logger,
): void {
  for (const conflict of conflicts) {
    metrics.recordConflictingEvent(conflict.orgId);
    logger.warn(
      {
        orgId: conflict.orgId,
        eventId: conflict.eventId,
        ...(conflict.source === undefined ? {} : { source: conflict.source }),
        storedPosition: conflict.storedPosition,
        partition: conflict.partition,
        offset: conflict.offset,
      },
      'an event re-used a stored identity with another type, occurredAt or data; the stored one stays',
    );
  }
}

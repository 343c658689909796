import { type AcceptedEvent, EVENT_VERSION, type EventEnvelope, recordKeyOf } from '@orgpulse/contracts';
import type { Message } from 'kafkajs';

/** The Kafka record of an accepted event: keyed by org + subject so one subject's events stay in order. */
export function toEventRecord(orgId: string, event: EventEnvelope, ingestedAt: Date): Message {
  const accepted = {
    ...event,
    version: EVENT_VERSION,
    orgId,
    ingestedAt: ingestedAt.toISOString(),
  } as AcceptedEvent;
  return {
    key: recordKeyOf(orgId, event),
    value: JSON.stringify(accepted),
    headers: {
      'orgpulse-org-id': orgId,
      'orgpulse-event-type': event.type,
      'orgpulse-event-version': String(EVENT_VERSION),
    },
  };
}

import type { EventPublisher } from '@orgpulse/messaging';
import { type IngestError, kafkaUnavailable } from '../errors/ingest-error';

/** The refusal of a request while the backlog waiting for Kafka is full, decided before its body is read. */
export function backlogRefusal(publisher: Pick<EventPublisher, 'full'>): IngestError | undefined {
  return publisher.full
    ? kafkaUnavailable('the event log is not keeping up; nothing was accepted, retry the same request')
    : undefined;
}

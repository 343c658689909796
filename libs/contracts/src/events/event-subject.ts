import type { EventEnvelope } from './event-catalog';

/**
 * The subject an event is about. Kafka keys records by org + subject so that one subject's
 * events stay in order on one partition (contract §7).
 */
export function subjectOf(event: Pick<EventEnvelope, 'type' | 'data'>): string {
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'person.registered':
    case 'person.manager-changed':
      return `person:${String(data.personId)}`;
    case 'one-on-one.held':
      return `manager:${String(data.managerId)}`;
    default:
      return `team:${String(data.teamId)}`;
  }
}

export const recordKeyOf = (orgId: string, event: Pick<EventEnvelope, 'type' | 'data'>): string =>
  `${orgId}/${subjectOf(event)}`;

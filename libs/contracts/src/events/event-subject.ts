import type { EventEnvelope } from './event-catalog';

/** What an event is about: the unit whose events stay in order and whose read models they fold into. */
export type SubjectKind = 'team' | 'person' | 'manager' | 'group';

export interface Subject {
  kind: SubjectKind;
  id: string;
}

const KINDS: readonly SubjectKind[] = ['team', 'person', 'manager', 'group'];

/** The one place the subject's text form (`team:<id>`, stored and used in Kafka keys) is written and read. */
export const formatSubject = ({ kind, id }: Subject): string => `${kind}:${id}`;

export function parseSubject(text: string): Subject | undefined {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon) as SubjectKind;
  return colon > 0 && KINDS.includes(kind) ? { kind, id: text.slice(colon + 1) } : undefined;
}

export function subjectOfEvent(event: Pick<EventEnvelope, 'type' | 'data'>): Subject {
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'person.registered':
    case 'person.manager-changed':
    case 'coaching.plan-set':
      return { kind: 'person', id: String(data.personId) };
    case 'one-on-one.held':
      return { kind: 'manager', id: String(data.managerId) };
    case 'group.registered':
      return { kind: 'group', id: String(data.groupId) };
    default:
      return { kind: 'team', id: String(data.teamId) };
  }
}

/**
 * The subject an event is about, as text. Kafka keys records by org + subject so that one subject's
 * events stay in order on one partition (contract §7).
 */
export const subjectOf = (event: Pick<EventEnvelope, 'type' | 'data'>): string =>
  formatSubject(subjectOfEvent(event));

export const recordKeyOf = (orgId: string, event: Pick<EventEnvelope, 'type' | 'data'>): string =>
  `${orgId}/${subjectOf(event)}`;

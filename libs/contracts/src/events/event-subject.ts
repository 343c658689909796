import type { EventData, EventEnvelope, EventType } from './event-catalog';

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

/**
 * Each event type's subject, read from its data. A record over every type: an event type added to the
 * catalog without saying what it is about does not compile.
 */
const SUBJECTS: { [T in EventType]: (data: EventData<T>) => Subject } = {
  'team.registered': (d) => ({ kind: 'team', id: d.teamId }),
  'team.archived': (d) => ({ kind: 'team', id: d.teamId }),
  'team.blocked': (d) => ({ kind: 'team', id: d.teamId }),
  'team.unblocked': (d) => ({ kind: 'team', id: d.teamId }),
  'discovery.interview-held': (d) => ({ kind: 'team', id: d.teamId }),
  'delivery.shipped': (d) => ({ kind: 'team', id: d.teamId }),
  'person.registered': (d) => ({ kind: 'person', id: d.personId }),
  'person.manager-changed': (d) => ({ kind: 'person', id: d.personId }),
  'coaching.plan-set': (d) => ({ kind: 'person', id: d.personId }),
  'one-on-one.held': (d) => ({ kind: 'manager', id: d.managerId }),
  'group.registered': (d) => ({ kind: 'group', id: d.groupId }),
};

export function subjectOfEvent(event: Pick<EventEnvelope, 'type' | 'data'>): Subject {
  const { kind, id } = (SUBJECTS[event.type] as (data: unknown) => Subject)(event.data);
  // a record trusted as validated is not checked field by field again: its id stays text whatever it holds
  return { kind, id: String(id) };
}

/**
 * The subject an event is about, as text. Kafka keys records by org + subject so that one subject's
 * events stay in order on one partition (contract §7).
 */
export const subjectOf = (event: Pick<EventEnvelope, 'type' | 'data'>): string =>
  formatSubject(subjectOfEvent(event));

export const recordKeyOf = (orgId: string, event: Pick<EventEnvelope, 'type' | 'data'>): string =>
  `${orgId}/${subjectOf(event)}`;

import { type EventEnvelope, type Subject, type SubjectKind, eventSubjects } from './event-catalog';

const KINDS: readonly SubjectKind[] = ['team', 'person', 'manager', 'group'];

/** The one place the subject's text form (`team:<id>`, stored and used in Kafka keys) is written and read. */
export const formatSubject = ({ kind, id }: Subject): string => `${kind}:${id}`;

export function parseSubject(text: string): Subject | undefined {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon) as SubjectKind;
  return colon > 0 && KINDS.includes(kind) ? { kind, id: text.slice(colon + 1) } : undefined;
}

export function subjectOfEvent(event: Pick<EventEnvelope, 'type' | 'data'>): Subject {
  const { kind, id } = (eventSubjects[event.type] as (data: unknown) => Subject)(event.data);
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

/** Whether an events record (its key as text) belongs to the org: its key starts with the org. */
export const isRecordOfOrg = (key: string | null | undefined, orgId: string): boolean =>
  key?.startsWith(`${orgId}/`) ?? false;

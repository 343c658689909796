import type { AcceptedEvent } from '@orgpulse/contracts';
import type { Fact } from '../projections/read-model';

/** What the people metrics keep of a person's events: name, role and reporting line (contract §4, §13). */
export type PersonFact =
  /** managerId undefined: the registration leaves the reporting line as it was. */
  | { kind: 'registered'; name: string | null; role: string; managerId?: string | null }
  | { kind: 'manager-changed'; managerId: string | null };

export function personFactOf(event: AcceptedEvent): PersonFact | undefined {
  switch (event.type) {
    case 'person.registered': {
      const { name, role, managerId } = event.data;
      return managerId === undefined
        ? { kind: 'registered', name: name ?? null, role }
        : { kind: 'registered', name: name ?? null, role, managerId };
    }
    case 'person.manager-changed':
      return { kind: 'manager-changed', managerId: event.data.managerId };
    default:
      return undefined;
  }
}

/** The manager a fact names, if any. */
export const managerNamedBy = (fact: PersonFact): string | null | undefined => fact.managerId;

export const personFactsOf = (events: Iterable<AcceptedEvent>): Fact<PersonFact>[] =>
  [...events].flatMap((event, position) => {
    const data = personFactOf(event);
    return data === undefined ? [] : [{ at: Date.parse(event.occurredAt), position, data }];
  });

/** What a manager's read model keeps of a 1:1 (its subject is the manager). */
export interface OneOnOneFact {
  reportId: string;
}

export const oneOnOneFactOf = (event: AcceptedEvent): OneOnOneFact | undefined =>
  event.type === 'one-on-one.held' ? { reportId: event.data.reportId } : undefined;

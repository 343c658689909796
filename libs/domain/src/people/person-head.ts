import type { Fact } from '../projections/read-model';
import type { PersonFact } from './person-facts';

/** A person as of their latest event, in a fixed size: name, role and current reporting line. */
export interface PersonHead {
  personId: string;
  name: string | null;
  role: string | null;
  managerId: string | null;
  /** When the current, unbroken reporting line to `managerId` began; null without a manager. */
  managerSince: number | null;
}

export const emptyPersonHead = (personId: string): PersonHead => ({
  personId,
  name: null,
  role: null,
  managerId: null,
  managerSince: null,
});

function withManager(head: PersonHead, managerId: string | null, at: number): PersonHead {
  if (managerId === head.managerId) return head; // the same line goes on unbroken
  return { ...head, managerId, managerSince: managerId === null ? null : at };
}

/** person.registered without managerId leaves the reporting line as it was; null means no manager. */
export function evolvePersonHead(head: PersonHead, { at, data }: Fact<PersonFact>): PersonHead {
  if (data.kind === 'manager-changed') return withManager(head, data.managerId, at);
  const named = { ...head, name: data.name ?? head.name, role: data.role };
  return data.managerId === undefined ? named : withManager(named, data.managerId, at);
}

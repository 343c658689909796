import type { AcceptedEvent } from '@orgpulse/contracts';
import { latestAt } from '../teams/team-timeline';

export interface ManagerAssignment {
  at: number;
  managerId: string | null;
}

/** A person's reporting line over time (contract §4, span of control). */
export interface PersonTimeline {
  personId: string;
  name: string | null;
  role: string | null;
  managers: ManagerAssignment[];
}

export const emptyPersonTimeline = (personId: string): PersonTimeline => ({
  personId,
  name: null,
  role: null,
  managers: [],
});

/** person.registered without managerId leaves the reporting line as it was; null means no manager. */
export function evolvePersonTimeline(person: PersonTimeline, event: AcceptedEvent): PersonTimeline {
  const at = Date.parse(event.occurredAt);
  switch (event.type) {
    case 'person.registered': {
      const { name, role, managerId } = event.data;
      return {
        ...person,
        name: name ?? person.name,
        role,
        managers: managerId === undefined ? person.managers : [...person.managers, { at, managerId }],
      };
    }
    case 'person.manager-changed':
      return { ...person, managers: [...person.managers, { at, managerId: event.data.managerId }] };
    default:
      return person;
  }
}

export const buildPersonTimeline = (personId: string, ordered: Iterable<AcceptedEvent>): PersonTimeline => {
  let person = emptyPersonTimeline(personId);
  for (const event of ordered) person = evolvePersonTimeline(person, event);
  return person;
};

export const managerAt = (person: PersonTimeline, t: number): string | null =>
  latestAt(person.managers, t)?.managerId ?? null;

/** The people whose manager at `asOf` is `managerId`, sorted. */
export const directReportsOf = (
  managerId: string,
  people: readonly PersonTimeline[],
  asOf: number,
): string[] =>
  people
    .filter((p) => managerAt(p, asOf) === managerId)
    .map((p) => p.personId)
    .sort();

/** Every id that some reporting line ever names as a manager. */
export const namedManagers = (people: readonly PersonTimeline[]): Set<string> =>
  new Set(
    people.flatMap((p) => p.managers.map((m) => m.managerId).filter((id): id is string => id !== null)),
  );

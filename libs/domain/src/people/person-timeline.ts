import type { AcceptedEvent } from '@orgpulse/contracts';
import type { Fact } from '../projections/read-model';
import { type PersonFact, personFactsOf } from './person-facts';
import type { PersonHead } from './person-head';
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

function applyPersonFact(person: PersonTimeline, { at, data }: Fact<PersonFact>): void {
  if (data.kind === 'registered') {
    person.name = data.name ?? person.name;
    person.role = data.role;
  }
  // person.registered without managerId leaves the reporting line as it was; null means no manager.
  if (data.managerId !== undefined) person.managers.push({ at, managerId: data.managerId });
}

/** The person from `startAt` on: `start` is their head then, `facts` (in order) what happened since. */
export function personTimelineFrom(
  start: PersonHead,
  startAt: number,
  facts: Iterable<Fact<PersonFact>>,
): PersonTimeline {
  const person: PersonTimeline = {
    personId: start.personId,
    name: start.name,
    role: start.role,
    managers: start.managerId === null ? [] : [{ at: startAt, managerId: start.managerId }],
  };
  for (const fact of facts) applyPersonFact(person, fact);
  return person;
}

export function buildPersonTimeline(personId: string, ordered: Iterable<AcceptedEvent>): PersonTimeline {
  const person = emptyPersonTimeline(personId);
  for (const fact of personFactsOf(ordered)) applyPersonFact(person, fact);
  return person;
}

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

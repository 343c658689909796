import type { Eventually } from '../graphql/settled-memo/settled-memo';
import type { RequestContext } from '../graphql/request-context';
import type { PersonView } from '../read-models/people-reads';

/** A person as the Person type answers it (PersonModel), with the head it came from. */
export interface Person {
  id: string;
  name: string | null;
  role: string | null;
  view: PersonView | null;
}

export const asPerson = (id: string, view: PersonView | null): Person => ({
  id,
  name: view?.state.name ?? null,
  role: view?.state.role ?? null,
  view,
});

/** A person known by their head, or only as an id some event names (a manager never registered). */
export async function personOf(ctx: RequestContext, id: string): Promise<Person> {
  return asPerson(id, await ctx.people.heads.load(id));
}

/** The request's memo key of a person's direct reports at `at`. */
export const reportsKey = (id: string, at: number): string => `reports\u0000${id}\u0000${at}`;

/** A person's direct reports at `at` as people, once per request (the managers list computes them for its page). */
export const reportsAt = (ctx: RequestContext, id: string, at: number): Eventually<Person[]> =>
  ctx.memo.get(reportsKey(id, at), async () =>
    (await ctx.people.reportHeadsOf(id, at)).map((view) => asPerson(view.subjectId, view)),
  );

import type { ManagerSubtreeFigures, OneOnOneCadence } from '@orgpulse/domain';
import type { RequestContext } from '../graphql/request-context';
import type { Eventually } from '../graphql/settled-memo/settled-memo';
import { type Person, personOf, reportsAt, reportsKey } from '../people/person-of';

/** A figure of a manager at a time: computed once per request, under its key in the request's memo. */
export interface ManagerFigure<V = unknown> {
  readonly name: string;
  key(managerId: string, at: number): string;
  of(ctx: RequestContext, managerId: string, at: number): Eventually<V>;
}

/** A figure computed by `compute`, keyed by manager and time (or by manager only when `timeless`). */
export const managerFigure = <V>(
  name: string,
  compute: (ctx: RequestContext, managerId: string, at: number) => Promise<V>,
  timeless = false,
): ManagerFigure<V> => {
  const key = timeless
    ? (managerId: string) => `${name}\u0000${managerId}`
    : (managerId: string, at: number) => `${name}\u0000${managerId}\u0000${at}`;
  return {
    name,
    key,
    of: (ctx, managerId, at) => ctx.memo.get(key(managerId, at), () => compute(ctx, managerId, at)),
  };
};

/** The manager as a person (whatever the time). */
export const PERSON_FIGURE = managerFigure<Person>('person', (ctx, id) => personOf(ctx, id), true);

/** Their direct reports at `at`, as people (Person.reports). */
export const REPORTS_FIGURE: ManagerFigure<Person[]> = { name: 'reports', key: reportsKey, of: reportsAt };

/** Their direct reports' ids at `at`, sorted. */
export const REPORT_IDS_FIGURE = managerFigure<string[]>('report-ids', (ctx, id, at) =>
  ctx.people.reportsOf(id, at),
);

/** Span of control and 1:1 cadence at `at` (contract §4), for its four fields. */
export const CADENCE_FIGURE = managerFigure<OneOnOneCadence>('cadence', async (ctx, managerId, at) => {
  const { oneOnOneIntervalDays } = await ctx.settings();
  const [reports, met] = await Promise.all([
    REPORT_IDS_FIGURE.of(ctx, managerId, at),
    ctx.people.metBefore(managerId, at, oneOnOneIntervalDays),
  ]);
  const overdueReports = reports.filter((r) => !met.has(r));
  return {
    directReports: reports,
    coverage: reports.length === 0 ? null : (reports.length - overdueReports.length) / reports.length,
    overdueReports,
  };
});

/** §8's subtree figures at `at`. */
export const SUBTREE_FIGURE = managerFigure<ManagerSubtreeFigures>('subtree', async (ctx, managerId, at) => {
  const { oneOnOneIntervalDays } = await ctx.settings();
  return ctx.people.subtreeFigures(managerId, at, oneOnOneIntervalDays);
});

export const personOfManager = (ctx: RequestContext, id: string): Eventually<Person> =>
  PERSON_FIGURE.of(ctx, id, 0);
export const cadenceAt = (ctx: RequestContext, id: string, at: number): Eventually<OneOnOneCadence> =>
  CADENCE_FIGURE.of(ctx, id, at);
export const subtreeAt = (ctx: RequestContext, id: string, at: number): Eventually<ManagerSubtreeFigures> =>
  SUBTREE_FIGURE.of(ctx, id, at);

import type { ManagerSubtreeFigures, OneOnOneCadence } from '@orgpulse/domain';
import type { RequestContext } from '../graphql/request-context';
import type { Eventually } from '../graphql/settled-memo/settled-memo';
import { type Person, personOf } from '../people/person-of';

/** The manager as a person, once per request. */
export const personOfManager = (ctx: RequestContext, id: string): Eventually<Person> =>
  ctx.memo.get(`person\u0000${id}`, () => personOf(ctx, id));

/** Span of control and 1:1 cadence at `at` (contract §4), once per request for its four fields. */
export const cadenceAt = (ctx: RequestContext, managerId: string, at: number): Eventually<OneOnOneCadence> =>
  ctx.memo.get(`cadence\u0000${managerId}\u0000${at}`, async () => {
    const { oneOnOneIntervalDays } = await ctx.settings();
    const [reports, met] = await Promise.all([
      ctx.people.reportsOf(managerId, at),
      ctx.people.metBefore(managerId, at, oneOnOneIntervalDays),
    ]);
    const overdueReports = reports.filter((r) => !met.has(r));
    return {
      directReports: reports,
      coverage: reports.length === 0 ? null : (reports.length - overdueReports.length) / reports.length,
      overdueReports,
    };
  });

/** §8's subtree figures at `at`, once per request. */
export const subtreeAt = (
  ctx: RequestContext,
  managerId: string,
  at: number,
): Eventually<ManagerSubtreeFigures> =>
  ctx.memo.get(`subtree\u0000${managerId}\u0000${at}`, async () => {
    const { oneOnOneIntervalDays } = await ctx.settings();
    return ctx.people.subtreeFigures(managerId, at, oneOnOneIntervalDays);
  });

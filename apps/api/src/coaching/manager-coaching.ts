import { DAY_MS, managerCoaching } from '@orgpulse/domain';
import type { RequestContext } from '../graphql/request-context';
import type { Eventually } from '../graphql/settled-memo/settled-memo';
import { type WindowArgument, toWindow } from '../graphql/window-argument';
import { REPORT_IDS_FIGURE, managerFigure } from '../managers/manager-figures';
import { type Person, personOf } from '../people/person-of';
import type { ManagerCoachingModel } from './coaching.models';

const NO_COACHING: ManagerCoachingModel = {
  reports: 0,
  planCoverage: null,
  weakest: null,
  oneOnOnes: 0,
  ratedOneOnOnes: 0,
  ratingShare: null,
};

/** A manager's direct reports at `at` with their average gap then (null: no plan), and the weakest of them. */
interface CoachedReports {
  reports: { personId: string; coaching: { averageGap: number } | null }[];
  weakest: Person | null;
}

/** What Manager.coaching shows of `at` whatever its window: its reports' plans and the weakest report. */
export const COACHED_FIGURE = managerFigure<CoachedReports>('coached', async (ctx, managerId, at) => {
  const ids = await REPORT_IDS_FIGURE.of(ctx, managerId, at);
  const coachings = await ctx.coaching.coachingsOf(ids, at);
  const reports = ids.map((personId, i) => {
    const coaching = coachings[i];
    return { personId, coaching: coaching === null ? null : { averageGap: coaching.averageGap } };
  });
  const weakest = managerCoaching(reports, { held: 0, rated: 0 }).weakest;
  return { reports, weakest: weakest === null ? null : await personOf(ctx, weakest.personId) };
});

/** Manager.coaching at `at` over `window`, once per request (the managers list computes it for its page). */
export function managerCoachingOf(
  ctx: RequestContext,
  managerId: string,
  at: number,
  window: WindowArgument | undefined,
): Eventually<ManagerCoachingModel> {
  if (!ctx.seesPeople) return NO_COACHING;
  const span = window ? toWindow(window) : undefined;
  const key = `coaching\u0000${managerId}\u0000${at}\u0000${span?.from}\u0000${span?.to}`;
  return ctx.memo.get(key, async () => {
    const { coachingStallDays } = await ctx.settings();
    const { from, to } = span ?? { from: at - coachingStallDays * DAY_MS + 1, to: at + 1 };
    const [coached, held] = await Promise.all([
      COACHED_FIGURE.of(ctx, managerId, at),
      ctx.coaching.heldIn(managerId, from, to),
    ]);
    const figures = managerCoaching(coached.reports, held);
    return {
      ...figures,
      weakest:
        figures.weakest === null || coached.weakest === null
          ? null
          : { person: coached.weakest, averageGap: figures.weakest.averageGap },
    };
  });
}

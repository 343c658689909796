import { DAY_MS, managerCoaching } from '@orgpulse/domain';
import type { RequestContext } from '../graphql/request-context';
import type { Eventually } from '../graphql/settled-memo/settled-memo';
import { type WindowArgument, toWindow } from '../graphql/window-argument';
import { personOf } from '../people/person-of';
import type { ManagerCoachingModel } from './coaching.models';

const NO_COACHING: ManagerCoachingModel = {
  reports: 0,
  planCoverage: null,
  weakest: null,
  oneOnOnes: 0,
  ratedOneOnOnes: 0,
  ratingShare: null,
};

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
    const [reports, held] = await Promise.all([
      ctx.people.reportsOf(managerId, at),
      ctx.coaching.heldIn(managerId, from, to),
    ]);
    const coachings = await ctx.coaching.coachingsOf(reports, at);
    const coached = reports.map((personId, i) => ({ personId, coaching: coachings[i] }));
    const figures = managerCoaching(coached, held);
    return {
      ...figures,
      weakest:
        figures.weakest === null
          ? null
          : { person: await personOf(ctx, figures.weakest.personId), averageGap: figures.weakest.averageGap },
    };
  });
}

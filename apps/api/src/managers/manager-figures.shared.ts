import { approximateBytes } from '../cache/approximate-bytes';
import type { RequestContext } from '../graphql/request-context';
import type { ManagerFigure } from './manager-figures';

interface PageFigures {
  ids: readonly string[];
  values: readonly unknown[];
}

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * A figure of a page of managers at now, computed and kept for the org's next requests for the page (their
 * memos) while the org's data is at the version their request started at, for at most
 * `API_RESULT_CACHE_MS` after its computation started, as answers are: the page's reads and walks of the
 * org chart happen once, not once per request with another window (requests at the same moment may each
 * compute it). A request that finds none computes its own; a failure is left to the fields, which compute
 * again.
 */
export async function sharePageFigure(
  ctx: RequestContext,
  figure: ManagerFigure,
  page: string,
  ids: readonly string[],
  now: number,
): Promise<void> {
  const compute = async (): Promise<PageFigures> => ({
    ids,
    values: await Promise.all(ids.map((id) => figure.of(ctx, id, now))),
  });
  const name = JSON.stringify(['managers-page', figure.name, ctx.cacheScope, page]);
  const shared = await ctx.sharedAtNow(name, compute, approximateBytes).catch(() => undefined);
  if (shared === undefined) return;
  // the same page at the same data version lists the same managers; should it not, nothing is taken
  if (!sameIds(shared.ids, ids)) {
    await Promise.allSettled(ids.map((id) => figure.of(ctx, id, now)));
    return;
  }
  shared.values.forEach((value, i) => ctx.memo.prime(figure.key(ids[i], now), value));
}

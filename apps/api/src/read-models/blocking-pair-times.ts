import { type BlockingPairTime, FIRST_MONDAY, WEEK_MS, completeWeeks } from '@orgpulse/domain';
import { type Queryable, col, rowShape, selectRows } from '@orgpulse/persistence';
import { approximateBytes } from '../cache/approximate-bytes';
import type { SharedRead } from './shared-read';

const PAIR_COLUMNS = {
  blockingTeamId: col.text(),
  blockedTeamId: col.text(),
  blockedMs: col.float(),
  personMs: col.float(),
};
const PAIR_TIME = rowShape('blocking pair time', PAIR_COLUMNS);
const WEEK_PAIR_TIME = rowShape('blocking pair time of a week', { week: col.float(), ...PAIR_COLUMNS });
// covers_until_ms of a subject's latest week: it covers until any time
const NO_END = '9007199254740991';
/** A window with fewer complete weeks is read whole: splitting it would not pay. */
const MIN_SHARED_WEEKS = 2;

/**
 * Every (blocking team, blocked team) pair's time in [$2, $3), worked out in SQL from the weeks flagged
 * `blocked_by`: each week on its own, from its start head and its facts (the flags put each stretch
 * blocked by a team within weeks that follow one another, each covering until the next), so the org's
 * blocking edges come back as a row per pair, not as every blocked team's weeks. `byWeek`: a row per pair
 * and ISO week of its time.
 */
const pairTimesSql = (weeks: string, byWeek: boolean) =>
  // each week read once, its points worked out beside it: a CTE of whole weeks read twice was
  // materialized, spilling the weeks' JSON to disk (a fifth of the statement on E6's org)
  `WITH points AS (
     SELECT w.subject_id, w.week_ms, coalesce(w.covers_until_ms, ${NO_END}) AS until, p.*
       FROM ${weeks} w
      CROSS JOIN LATERAL (
        -- the week's start (n = 0), then each fact that moves its blocking team or its headcount
        SELECT 0::bigint AS n, w.week_ms AS at, true AS moves_block, true AS moves_headcount,
               (w.start_state->>'headcount')::bigint AS headcount,
               w.start_state->'block'->>'blockedBy' AS blocked_by
        UNION ALL
        SELECT f.n, (f.fact->>0)::bigint, f.fact->2->>'kind' <> 'registered',
               f.fact->2->>'kind' = 'registered', (f.fact->2->>'headcount')::bigint, f.fact->2->>'blockedBy'
          FROM jsonb_array_elements(w.facts) WITH ORDINALITY AS f(fact, n)
         WHERE f.fact->2->>'kind' IN ('registered', 'blocked', 'unblocked')
      ) p
      WHERE w.org_id = $1 AND w.blocked_by AND coalesce(w.covers_until_ms, ${NO_END}) > $2 AND w.week_ms < $3
   ), stretches AS (
     -- from each point to the next (or to what the week covers until): the latest of each value so far
     SELECT subject_id,
            (array_agg(blocked_by) FILTER (WHERE moves_block) OVER w)[count(*) FILTER (WHERE moves_block) OVER w] AS blocked_by,
            (array_agg(headcount) FILTER (WHERE moves_headcount) OVER w)[count(*) FILTER (WHERE moves_headcount) OVER w] AS headcount,
            greatest(at, $2) AS start, least(coalesce(lead(at) OVER w, until), $3) AS stop
       FROM points
     WINDOW w AS (PARTITION BY subject_id, week_ms ORDER BY n)
   )` +
  (byWeek
    ? `, pieces AS (
         -- each stretch cut at the Mondays it spans
         SELECT s.blocked_by, s.subject_id, s.headcount, k.week,
                least(s.stop, k.week + ${WEEK_MS}) - greatest(s.start, k.week) AS ms
           FROM stretches s
          CROSS JOIN LATERAL generate_series(
                  s.start - (((s.start - ${FIRST_MONDAY}) % ${WEEK_MS}) + ${WEEK_MS}) % ${WEEK_MS},
                  s.stop - 1, ${WEEK_MS}::bigint) AS k(week)
          WHERE s.blocked_by IS NOT NULL AND s.stop > s.start
       )
       SELECT week::float8 AS week, blocked_by AS "blockingTeamId", subject_id AS "blockedTeamId",
              sum(ms)::float8 AS "blockedMs", sum(ms * headcount)::float8 AS "personMs"
         FROM pieces
        GROUP BY 1, 2, 3`
    : `
       SELECT blocked_by AS "blockingTeamId", subject_id AS "blockedTeamId",
              sum(stop - start)::float8 AS "blockedMs", sum((stop - start) * headcount)::float8 AS "personMs"
         FROM stretches
        WHERE blocked_by IS NOT NULL AND stop > start
        GROUP BY 1, 2`);

/** Pairs' times summed per pair (integer ms: any way of summing gives the same figures). */
function summed(parts: Iterable<BlockingPairTime>): BlockingPairTime[] {
  const byBlocking = new Map<string, Map<string, BlockingPairTime>>();
  const pairs: BlockingPairTime[] = [];
  for (const { blockingTeamId, blockedTeamId, blockedMs, personMs } of parts) {
    let blocked = byBlocking.get(blockingTeamId);
    if (blocked === undefined)
      byBlocking.set(blockingTeamId, (blocked = new Map<string, BlockingPairTime>()));
    const pair = blocked.get(blockedTeamId);
    if (pair === undefined) {
      const added = { blockingTeamId, blockedTeamId, blockedMs, personMs };
      blocked.set(blockedTeamId, added);
      pairs.push(added);
    } else {
      pair.blockedMs += blockedMs;
      pair.personMs += personMs;
    }
  }
  return pairs;
}

/**
 * The org's blocking pairs' times over [from, t) (t at most now). With the org's shared reads, a
 * complete ISO week's pairs are read once per data version and shared by the org's requests until its
 * data changes (a week's figures depend neither on the window around it nor on now), so windows that
 * move by a day read their two partial weeks and the complete weeks not shared yet: those in one
 * statement by week, with a partial week at either end of the window when they reach it.
 */
export class BlockingPairTimes {
  constructor(
    private readonly db: Queryable,
    private readonly orgId: string,
    private readonly weeksTable: string,
    private readonly shared?: SharedRead,
  ) {}

  async of(from: number, t: number): Promise<BlockingPairTime[]> {
    if (t <= from) return [];
    const mondays = completeWeeks({ from, to: t });
    const shared = this.shared;
    if (shared === undefined || mondays.length < MIN_SHARED_WEEKS) return this.whole(from, t);
    const first = mondays[0];
    const last = mondays[mondays.length - 1] + WEEK_MS;
    const missing: number[] = [];
    let asked = false;
    let readMissing: (weeks: Promise<Map<number, BlockingPairTime[]>>) => void = () => undefined;
    const missed = new Promise<Map<number, BlockingPairTime[]>>((resolve) => (readMissing = resolve));
    const complete = Promise.all(
      mondays.map((week) =>
        shared(
          JSON.stringify(['blocking-pairs-of-week', week]),
          async () => {
            // a shared read that computes later than when it is asked reads its week alone
            if (asked) return (await this.byWeek(week, week + WEEK_MS)).get(week) ?? [];
            missing.push(week);
            return (await missed).get(week) ?? [];
          },
          approximateBytes,
          true,
        ),
      ),
    );
    asked = true;
    const lowest = Math.min(...missing);
    const end = Math.max(...missing) + WEEK_MS;
    const span =
      missing.length === 0
        ? undefined
        : { from: lowest === first ? from : lowest, to: end === last ? t : end };
    const byWeek =
      span === undefined
        ? Promise.resolve(new Map<number, BlockingPairTime[]>())
        : this.byWeek(span.from, span.to);
    readMissing(byWeek);
    const fromByWeek = async (partial: (week: number) => boolean) =>
      [...(await byWeek)].filter(([week]) => partial(week)).flatMap(([, pairs]) => pairs);
    const parts = await Promise.all([
      complete,
      from === first
        ? []
        : span?.from === from
          ? fromByWeek((week) => week < first)
          : this.whole(from, first),
      last === t ? [] : span?.to === t ? fromByWeek((week) => week >= last) : this.whole(last, t),
    ]);
    return summed(parts.flat(2));
  }

  private whole(from: number, t: number): Promise<BlockingPairTime[]> {
    if (t <= from) return Promise.resolve([]);
    return selectRows(this.db, PAIR_TIME, pairTimesSql(this.weeksTable, false), [
      this.orgId,
      Math.floor(from),
      Math.floor(t),
    ]);
  }

  private async byWeek(from: number, t: number): Promise<Map<number, BlockingPairTime[]>> {
    const rows = await selectRows(this.db, WEEK_PAIR_TIME, pairTimesSql(this.weeksTable, true), [
      this.orgId,
      Math.floor(from),
      Math.floor(t),
    ]);
    const weeks = new Map<number, BlockingPairTime[]>();
    for (const { week, ...pair } of rows)
      if (weeks.get(week)?.push(pair) === undefined) weeks.set(week, [pair]);
    return weeks;
  }
}

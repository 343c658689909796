import {
  type BlockingPairTime,
  DAY_MS,
  type TeamFact,
  type TeamHead,
  type TeamTimeline,
  type Window,
  emptyTeamHead,
  teamReadModel,
  teamTimelineFrom,
} from '@orgpulse/domain';
import {
  type HeadView,
  type Queryable,
  ReadModelReader,
  type WeekView,
  col,
  rowShape,
  selectOne,
  selectRows,
} from '@orgpulse/persistence';
import DataLoader from 'dataloader';
import { BlockingPairTimes } from './blocking-pair-times';
import type { SharedRead } from './shared-read';
import type { CachedHistory, TeamHistoryCache } from './team-history.cache';

export type TeamView = HeadView<TeamHead>;

/** What a team was at some time: what a group's membership then needs. */
export interface TeamStateAt {
  registered: boolean;
  groupId: string | null;
  blocked: boolean;
}

/** A team now as a group's membership needs it: its head's columns, not its state. */
export interface TeamMembership extends TeamStateAt {
  subjectId: string;
  lastAt: number;
}

/** A team's timeline as loaded for a span: every figure about a time in [from, to) reads as from its whole history. */
export interface TeamHistory {
  timeline: TeamTimeline;
  /** figures are exact from here on */
  from: number;
  /** nothing happened to the team before what was loaded */
  complete: boolean;
}

/**
 * One request's reads of team read models, all within one org: heads (the team now) by id, batched;
 * timelines from a time on, batched, served from the process's TeamHistoryCache while the team's data
 * version has not moved; the org's per-day sums. No read covers more teams or weeks than asked for.
 */
/** Teams read in one statement by reads that page through many (their weeks flagged, what they were at t). */
export const TEAMS_PER_READ = 1_000;
// Monday 1970-01-05, and 13 weeks: a quarter of a year
const GRID_ORIGIN = 4 * DAY_MS;
const GRID_MS = 13 * 7 * DAY_MS;
/** Reads start on a coarse grid of weeks, so that requests for nearby windows share them. */
const gridStart = (from: number) =>
  Math.floor((Math.floor(from) - GRID_ORIGIN) / GRID_MS) * GRID_MS + GRID_ORIGIN;

// [registered, registered and blocked]
const TEAM_COUNTS_AT = rowShape('team counts at a time', { counts: col.array(col.int()) });
const TEAM_STATE_AT = rowShape('team state at a time', {
  subjectId: col.text(),
  registered: col.bool(),
  groupId: col.nullable(col.text()),
  blocked: col.bool(),
});

// a membership is about 50 bytes: the largest org's teams in two statements, not twenty that each take a
// connection of the pool at once
const MEMBERSHIPS_PER_READ = 10_000;

/** What blocked time and blocking edges read of a week: its start's block and headcount, and the facts that change them. */
const BLOCKED_TIME_KEYS: readonly (keyof TeamHead)[] = ['registered', 'headcount', 'block'];
const BLOCKED_TIME_PART = {
  omitHeadKeys: Object.keys(emptyTeamHead('')).filter(
    (k) => !BLOCKED_TIME_KEYS.includes(k as keyof TeamHead),
  ),
  factKinds: ['registered', 'blocked', 'unblocked'] satisfies TeamFact['kind'][],
};

export class TeamReads {
  readonly reader: ReadModelReader<TeamHead, TeamFact>;
  readonly heads: DataLoader<string, TeamView | null>;
  private readonly weeks: DataLoader<string, CachedHistory>;
  /** The timelines this request holds, per (team, grid start): what `forget` lets go of. */
  private readonly held = new Map<string, Promise<CachedHistory>>();

  constructor(
    private readonly db: Queryable,
    readonly orgId: string,
    private readonly cache?: TeamHistoryCache,
    private readonly batchScheduleFn?: (dispatch: () => void) => void,
    /** Reads of the org shared by requests for its data version (absent: each request reads them). */
    private readonly shared?: SharedRead,
  ) {
    const batching = { batchScheduleFn };
    this.reader = new ReadModelReader(db, teamReadModel);
    this.heads = new DataLoader(async (ids) => {
      const found = new Map((await this.reader.heads(orgId, ids)).map((h) => [h.subjectId, h]));
      for (const view of found.values()) this.known.set(view.subjectId, view);
      return ids.map((id) => found.get(id) ?? null);
    }, batching);
    this.weeks = new DataLoader<string, CachedHistory>(
      async (keys) => {
        const byFrom = new Map<number, string[]>();
        for (const k of keys) {
          const [id, from] = splitKey(k);
          byFrom.set(from, [...(byFrom.get(from) ?? []), id]);
        }
        const loaded = new Map<string, CachedHistory>();
        await Promise.all(
          [...byFrom].map(async ([from, asked]) => {
            const siblings = this.siblingsToRead(asked, from);
            const read = this.readWeeks([...asked, ...siblings], from);
            // the siblings' fields may ask while this read runs: they wait for it, not for a read of their own
            for (const id of siblings) {
              const entry = read.then((entries) => entries.get(id) as CachedHistory);
              entry.catch(() => undefined);
              this.weeks.prime(`${id}\u0000${from}`, entry);
            }
            const entries = await read;
            for (const id of asked) loaded.set(`${id}\u0000${from}`, entries.get(id) as CachedHistory);
          }),
        );
        return keys.map((k) => loaded.get(k) as CachedHistory);
      },
      { ...batching, cacheMap: this.held },
    );
  }

  /** The teams' timelines from the week that covers `from`, each as the process's cache keeps them. */
  private async readWeeks(ids: readonly string[], from: number): Promise<Map<string, CachedHistory>> {
    const [weeks, views] = await Promise.all([
      this.reader.weeksFrom(this.orgId, ids, from),
      this.heads.loadMany(ids),
    ]);
    const entries = new Map<string, CachedHistory>();
    ids.forEach((id, i) => {
      const teamWeeks = weeks.get(id) ?? [];
      const view = views[i];
      const first = teamWeeks[0];
      const entryFrom = first !== undefined ? Math.min(first.week, from) : from;
      const entry: CachedHistory = {
        version: view !== null && !(view instanceof Error) ? view.version : -1,
        from: entryFrom,
        complete: first === undefined || first.week > from,
        timeline:
          first === undefined
            ? teamTimelineFrom(emptyTeamHead(id), entryFrom, [])
            : teamTimelineFrom(
                first.start,
                first.week,
                teamWeeks.flatMap((w) => w.facts),
              ),
      };
      if (entry.version >= 0) this.cache?.set(this.orgId, id, entry);
      entries.set(id, entry);
    });
    return entries;
  }

  /** Teams this request read the heads of: their fields are answered without waiting when their timelines are held. */
  private readonly known = new Map<string, TeamView>();
  /** The list each listed team came in. */
  private readonly listOf = new Map<string, readonly string[]>();
  /** (team, grid start) pairs read or being read by this request. */
  private readonly read = new Set<string>();

  /** Lists prime the per-id loader, so fields of listed teams cost nothing more. */
  prime(views: readonly TeamView[]): void {
    const list = views.map((v) => v.subjectId);
    for (const view of views) {
      this.heads.prime(view.subjectId, view);
      this.known.set(view.subjectId, view);
      this.listOf.set(view.subjectId, list);
    }
  }

  /**
   * The other teams of the lists these teams came in, whose weeks from `from` this request has not read
   * and the process does not hold: read with them, since their fields ask for the same weeks. Without
   * it a long list, its fields answered over several slices of the event loop, costs a read per slice.
   */
  private siblingsToRead(ids: readonly string[], from: number): string[] {
    const siblings = new Set<string>();
    // each list once, not once per team asked from it: 500 blocked teams' blocks asked 250,000 times
    const lists = new Set<readonly string[]>();
    for (const id of ids) {
      this.read.add(`${id}\u0000${from}`);
      const list = this.listOf.get(id);
      if (list !== undefined) lists.add(list);
    }
    for (const list of lists)
      for (const sibling of list) {
        const key = `${sibling}\u0000${from}`;
        const version = this.known.get(sibling)?.version ?? -1;
        if (this.read.has(key) || this.cache?.get(this.orgId, sibling, version, from) !== undefined) continue;
        this.read.add(key);
        siblings.add(sibling);
      }
    return [...siblings];
  }

  /**
   * The team's timeline from `from` on if the process's cache holds it at the team's current data version:
   * answered at once, with no promise (thousands of fields of a large list then cost no waiting).
   */
  historyIfHeld(id: string, from: number): TeamHistory | undefined {
    const view = this.known.get(id);
    const entry = view && this.cache?.get(this.orgId, id, view.version, gridStart(from));
    if (entry === undefined) return undefined;
    this.cache?.meter?.hit();
    return historyOf(entry);
  }

  /**
   * The team's timeline from `from` on if the process's cache holds it at the team's current data version,
   * not counted as a lookup: a probe whether a figure can skip its own read.
   */
  heldTimeline(id: string, from: number): TeamTimeline | undefined {
    const view = this.known.get(id);
    return view && this.cache?.get(this.orgId, id, view.version, gridStart(from))?.timeline;
  }

  /** The team's timeline exact from `from` on: its weeks from the one that covers `from`. */
  async history(id: string, from: number): Promise<TeamHistory> {
    const start = Math.floor(from);
    return historyOf(await this.cachedHistory(id, start));
  }

  /**
   * Timelines of these teams' runs of weeks flagged `flag` whose time reaches into [from, to) (see
   * runTimelines): what a figure that only the flagged time changes needs, without the other weeks. Asks
   * made in the same turn (several groups' roll-ups) share one read per page of teams; nothing is kept.
   * The timelines hold blocks and headcounts only (BLOCKED_TIME_PART): blocked time and blocking edges.
   */
  async flaggedTimelines(
    ids: readonly string[],
    flag: 'blocked' | 'blocked_by',
    from: number,
    to: number,
  ): Promise<TeamTimeline[]> {
    const loader = this.batched(`${flag}\u0000${from}\u0000${to}`, async (page) => {
      const runs = new Map<string, TeamTimeline[]>();
      const weeks = await this.reader.flaggedWeeks(this.orgId, flag, page, from, to, BLOCKED_TIME_PART);
      for (const week of weeks) week.start = { ...emptyTeamHead(week.subjectId), ...week.start };
      for (const run of runTimelines(weeks))
        if (runs.get(run.teamId)?.push(run) === undefined) runs.set(run.teamId, [run]);
      return page.map((id) => runs.get(id) ?? []);
    });
    return (await loader.loadMany(ids)).flatMap((runs) => {
      if (runs instanceof Error) throw runs;
      return runs;
    });
  }

  /** Every (blocking team, blocked team) pair's time in [from, t), t at most now (BlockingPairTimes). */
  blockingPairTimes(from: number, t: number): Promise<BlockingPairTime[]> {
    const { weeks } = this.reader.tables;
    if (weeks === undefined) throw new Error('the team read model keeps weeks');
    return new BlockingPairTimes(this.db, this.orgId, weeks, this.shared).of(from, t);
  }

  /**
   * Of the teams whose latest fact is after t, how many were registered at t and how many of those
   * blocked (facts at t included): each from the week that covers t, its start head and its facts up
   * to t, in one statement whose answer is two numbers (folding those weeks here read every one of them).
   */
  async laterCountsAt(t: number): Promise<[number, number]> {
    const { head, weeks } = this.reader.tables;
    const last = (kinds: string) => lastFactAt(`f->2->>'kind'`, kinds, '$2');
    const row = await selectOne(
      this.db,
      TEAM_COUNTS_AT,
      `SELECT ARRAY[count(*) FILTER (WHERE registered), count(*) FILTER (WHERE registered AND blocked)]::int[] AS counts
         FROM (
           SELECT coalesce(${last(`'registered', 'archived'`)} = 'registered', (w.start_state->>'registered')::boolean) AS registered,
                  coalesce(${last(`'blocked', 'unblocked'`)} = 'blocked', w.start_state->'block' <> 'null'::jsonb) AS blocked
             FROM ${head} h
             CROSS JOIN LATERAL (
               SELECT start_state, facts FROM ${weeks} s
                WHERE s.org_id = $1 AND s.subject_id = h.subject_id AND s.week_ms <= $2
                ORDER BY s.week_ms DESC LIMIT 1
             ) w
            WHERE h.org_id = $1 AND h.last_at_ms > $2
         ) at_t`,
      [this.orgId, Math.floor(t)],
    );
    const [registered, blocked] = row.counts;
    return [registered, blocked];
  }

  /**
   * What these teams were at t (facts at t included): registered, their group, blocked. Each from the week
   * that covers t, its start head and its facts up to t, worked out in SQL: three values per team, not its
   * week (a team with no week by t did not exist then, and is left out).
   */
  async statesAt(ids: readonly string[], t: number): Promise<Map<string, TeamStateAt>> {
    const { weeks } = this.reader.tables;
    const loader = this.batched(`states\u0000${t}`, async (page) => {
      const rows = await selectRows(
        this.db,
        TEAM_STATE_AT,
        `SELECT k.subject_id AS "subjectId",
                coalesce(${lastFactAt(`f->2->>'kind'`, `'registered', 'archived'`, '$3')} = 'registered',
                         (w.start_state->>'registered')::boolean) AS registered,
                coalesce(${lastFactAt(`jsonb_build_array(f->2->'groupId')`, `'registered'`, '$3')},
                         jsonb_build_array(w.start_state->'groupId'))->>0 AS "groupId",
                coalesce(${lastFactAt(`f->2->>'kind'`, `'blocked', 'unblocked'`, '$3')} = 'blocked',
                         w.start_state->'block' <> 'null'::jsonb) AS blocked
           FROM unnest($2::text[]) AS k(subject_id)
           CROSS JOIN LATERAL (
             SELECT start_state, facts FROM ${weeks} s
              WHERE s.org_id = $1 AND s.subject_id = k.subject_id AND s.week_ms <= $3
              ORDER BY s.week_ms DESC LIMIT 1
           ) w`,
        [this.orgId, page, Math.floor(t)],
      );
      const found = new Map(rows.map(({ subjectId, ...state }) => [subjectId, state]));
      return page.map((id) => found.get(id) ?? null);
    });
    const found = new Map<string, TeamStateAt>();
    for (let i = 0; i < ids.length; i += TEAMS_PER_READ) {
      const page = ids.slice(i, i + TEAMS_PER_READ);
      (await loader.loadMany(page)).forEach((state, k) => {
        if (state instanceof Error) throw state;
        if (state !== null) found.set(page[k], state);
      });
    }
    return found;
  }

  /**
   * These teams now (those with a head), from their heads' columns: asks of one turn (several groups'
   * roll-ups) share one read per page of teams, and a team is read once per request.
   */
  async memberships(ids: readonly string[]): Promise<TeamMembership[]> {
    this.membershipLoader ??= new DataLoader<string, TeamMembership | null>(
      async (page) => {
        const found = new Map<string, TeamMembership>();
        for (const { subjectId, lastAt, values } of await this.reader.headColumns(this.orgId, page, [
          'registered',
          'group_id',
          'blocked_since',
        ]))
          found.set(subjectId, {
            subjectId,
            lastAt,
            registered: values[0] !== null,
            groupId: values[1],
            blocked: values[2] !== null,
          });
        return page.map((id) => found.get(id) ?? null);
      },
      { batchScheduleFn: this.batchScheduleFn, maxBatchSize: MEMBERSHIPS_PER_READ },
    );
    const found: TeamMembership[] = [];
    for (const m of await this.membershipLoader.loadMany(ids)) {
      if (m instanceof Error) throw m;
      if (m !== null) found.push(m);
    }
    return found;
  }
  private membershipLoader?: DataLoader<string, TeamMembership | null>;

  /**
   * The teams ever registered in one of these groups (the team model's links), in id order: asks of one
   * turn (several groups' roll-ups) share one read.
   */
  async linkedTo(groupIds: readonly string[]): Promise<string[]> {
    this.groupTeams ??= new DataLoader(
      async (groups) => {
        const byGroup = new Map<string, string[]>();
        for (const { linkId, subjectId } of await this.reader.links(this.orgId, groups))
          if (byGroup.get(linkId)?.push(subjectId) === undefined) byGroup.set(linkId, [subjectId]);
        return groups.map((g) => byGroup.get(g) ?? []);
      },
      { batchScheduleFn: this.batchScheduleFn },
    );
    const teams = new Set<string>();
    for (const linked of await this.groupTeams.loadMany(groupIds)) {
      if (linked instanceof Error) throw linked;
      for (const id of linked) teams.add(id);
    }
    return [...teams].sort();
  }
  private groupTeams?: DataLoader<string, string[]>;

  /** Loaders of reads that hold nothing: asks of one turn batched, a page of teams per statement. */
  private readonly batches = new Map<string, DataLoader<string, unknown>>();
  private batched<V>(key: string, load: (ids: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
    let loader = this.batches.get(key) as DataLoader<string, V> | undefined;
    if (loader === undefined) {
      loader = new DataLoader<string, V>(load, {
        batchScheduleFn: this.batchScheduleFn,
        cache: false,
        maxBatchSize: TEAMS_PER_READ,
      });
      this.batches.set(key, loader);
    }
    return loader;
  }

  /** How many teams' timelines this request holds. */
  get heldWeeks(): number {
    return this.held.size;
  }

  /** Lets go of this request's reads of these teams' timelines from `from` (what history(id, from) read). */
  forget(ids: readonly string[], from: number): void {
    const start = gridStart(from);
    for (const id of ids) {
      this.weeks.clear(`${id}\u0000${start}`);
      this.read.delete(`${id}\u0000${start}`);
    }
  }

  /** The team's timeline built from its weeks from the one that covers `from` on. */
  async cachedHistory(id: string, from: number): Promise<CachedHistory> {
    const start = gridStart(from);
    const view = await this.heads.load(id);
    if (view === null || this.cache === undefined) return this.weeks.load(`${id}\u0000${start}`);
    const cached = this.cache.lookup(this.orgId, id, view.version, start);
    if (cached !== undefined) return cached;
    const shared = this.cache.reads(this.orgId, id, view.version, start);
    if (shared !== undefined) return shared;
    const entry = this.weeks.load(`${id}\u0000${start}`);
    this.cache.share(this.orgId, id, view.version, start, entry);
    return entry;
  }
}

/** The timeline of what was read. */
const historyOf = (entry: CachedHistory): TeamHistory => ({
  timeline: entry.timeline,
  from: entry.from,
  complete: entry.complete,
});

function splitKey(key: string): [string, number] {
  const i = key.lastIndexOf('\u0000');
  return [key.slice(0, i), Number(key.slice(i + 1))];
}

export const isDayAligned = (t: number) => t % DAY_MS === 0;
export const dayFloor = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
export const clipped = (window: Window, now: number): Window => ({
  from: window.from,
  to: Math.min(window.to, now),
});

/**
 * `select` of the latest fact of the week \`w\` (facts \`f\`) whose kind is one of `kinds`, at or before the
 * time in parameter `t`; null when none.
 */
const lastFactAt = (select: string, kinds: string, t: string) =>
  `(SELECT ${select} FROM jsonb_array_elements(w.facts) f
     WHERE f->2->>'kind' IN (${kinds}) AND (f->>0)::float8 <= ${t}
     ORDER BY (f->>0)::float8 DESC, (f->>1)::float8 DESC LIMIT 1)`;

/**
 * A timeline per run of a team's flagged weeks that follow one another (each covers until the next).
 * A flag set on every week whose time has the property, and so on the week after one that ends with it
 * (its start head has it), puts each stretch with the property within one run: the runs' figures of that
 * property sum to the team's.
 */
export function runTimelines(
  weeks: readonly (WeekView<TeamHead, TeamFact> & { subjectId: string; coversUntil: number | null })[],
): TeamTimeline[] {
  const timelines: TeamTimeline[] = [];
  for (let i = 0; i < weeks.length;) {
    let j = i + 1;
    while (
      j < weeks.length &&
      weeks[j].subjectId === weeks[i].subjectId &&
      weeks[j - 1].coversUntil === weeks[j].week
    )
      j += 1;
    const run = weeks.slice(i, j);
    timelines.push(
      teamTimelineFrom(
        run[0].start,
        run[0].week,
        run.flatMap((w) => w.facts),
      ),
    );
    i = j;
  }
  return timelines;
}

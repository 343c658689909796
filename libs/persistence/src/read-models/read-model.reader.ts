import type { AnyReadModel, Fact } from '@orgpulse/domain';
import { type Queryable, col, rowShape, selectOne, selectRows } from '../database/typed-sql';
import {
  type ReadModelTables,
  STORED_FACTS,
  type StoredFact,
  tablesOf,
} from '../projections/read-model-tables';

/** A subject's head as read: its state, the occurrence of its latest fact, and its data version. */
export interface HeadView<Head> {
  subjectId: string;
  state: Head;
  lastAt: number;
  version: number;
}

/** One ISO week of a subject's facts with the head it starts from. */
export interface WeekView<Head, Data> {
  week: number;
  start: Head;
  facts: Fact<Data>[];
}

/**
 * Of flagged weeks, the start head without these keys, and only the facts of these kinds (their `data.kind`):
 * the start is then not a whole head, and the caller fills in what it left out.
 */
export interface FlaggedWeeksPart {
  omitHeadKeys: readonly string[];
  factKinds: readonly string[];
}

export interface HeadPage {
  first: number;
  after?: string;
  /** only subjects whose head column equals one of these values */
  where?: { column: string; values: readonly string[] };
  /** only subjects whose head column is set (a partial index serves the ones declared for it) */
  set?: string;
}

const HEAD = `subject_id AS "subjectId", state, last_at_ms::float8 AS "lastAt", version::float8 AS version`;

// From this many ids a read joins on them: for `= ANY` of thousands the planner estimated a share of the
// table and scanned all of it (4,015 reports of 200,000 people: 109 ms, where the index lookups take 10);
// for a few it reads the index, where a join on a small table may hash all of it (2,000 people for one)
const JOINED_IDS = 1_000;

/** `column` is one of the ids in parameter `param`, in the form whose plan follows the ids' number. */
const oneOf = (column: string, param: string, ids: readonly string[]) =>
  ids.length >= JOINED_IDS
    ? `${column} IN (SELECT unnest(${param}::text[]))`
    : `${column} = ANY(${param}::text[])`;

const HEAD_ROW = rowShape('read model head', {
  subjectId: col.text(),
  state: col.json(),
  lastAt: col.float(),
  version: col.float(),
});
const SUBJECT_WEEK_ROW = rowShape('read model subject week', {
  subjectId: col.text(),
  week: col.float(),
  start: col.json(),
  facts: STORED_FACTS,
});
const FLAGGED_WEEK_ROW = rowShape('read model flagged week', {
  subjectId: col.text(),
  week: col.float(),
  coversUntil: col.nullable(col.float()),
  start: col.json(),
  facts: STORED_FACTS,
});
// a head column of subjects whose column is one of some values (so set)
const COLUMN_VALUE_ROW = rowShape('read model head column value', {
  subjectId: col.text(),
  value: col.text(),
  lastAt: col.float(),
});
const HEAD_COLUMNS_ROW = rowShape('read model head columns', {
  subjectId: col.text(),
  lastAt: col.float(),
  values: col.array(col.nullable(col.text())),
});
const COLUMN_OF_ALL_ROW = rowShape('read model head column', {
  subjectId: col.text(),
  value: col.nullable(col.text()),
});
const COUNT_ROW = rowShape('read model subject count', { n: col.int() });
const COUNTS_ROW = rowShape('read model subject counts', { counts: col.array(col.int()) });
const FACT_COUNTS_ROW = rowShape('read model fact counts', {
  part: col.int(),
  subjectId: col.text(),
  facts: col.int(),
  withItems: col.int(),
});
const SUBJECT_ROW = rowShape('read model subject', { subjectId: col.text() });
const LINK_ROW = rowShape('read model link', { linkId: col.text(), subjectId: col.text() });
const ID_ROW = rowShape('read model id', { id: col.text() });
const TOTALS_ROW = rowShape('read model totals', { sums: col.array(col.array(col.text())) });

const factsOf = <Data>(facts: readonly StoredFact[]): Fact<Data>[] =>
  facts.map(([at, position, data]) => ({ at, position, data: data as Data }));

/**
 * The subjects asked ($2, in org $1) as `k`, each with its weeks `w` from the one that covers $3 (its first
 * when none does) up to $4. The weeks in a LATERAL with ORDER BY (never flattened into a join): one index
 * range per subject asked, whatever the planner estimates (a plain join let it read and sort every week of
 * the org).
 */
const weeksCovering = (weeks: string) => `FROM unnest($2::text[]) AS k(subject_id)
  CROSS JOIN LATERAL (
    SELECT coalesce(max(c.week_ms), 0) AS first FROM ${weeks} c
     WHERE c.org_id = $1 AND c.subject_id = k.subject_id AND c.week_ms <= $3
  ) f
  CROSS JOIN LATERAL (
    SELECT s.week_ms, s.start_state, s.facts FROM ${weeks} s
     WHERE s.org_id = $1 AND s.subject_id = k.subject_id AND s.week_ms >= f.first AND s.week_ms <= $4
     ORDER BY s.week_ms
  ) w`;

export interface FactCounts {
  facts: number;
  withItems: number;
}

/**
 * Per subject, its facts in [from, to) in each model counted, and how many of them hold a non-empty array
 * at `data[listKey]` (none without a key): two numbers per subject instead of its weeks (start heads and
 * facts) sent and parsed. One statement for all the models, so one snapshot: an event projected into two
 * of them is in both counts or in neither.
 */
export async function countFactsOf(
  db: Queryable,
  counted: readonly { reader: { tables: ReadModelTables }; listKey?: string }[],
  orgId: string,
  ids: readonly string[],
  from: number,
  to: number,
): Promise<Map<string, FactCounts>[]> {
  const found = counted.map(
    () => new Map(ids.map((id): [string, FactCounts] => [id, { facts: 0, withItems: 0 }])),
  );
  const parts = counted.flatMap(({ reader }, part) => {
    const weeks = reader.tables.weeks;
    const key = `$${5 + part}`;
    // counted row by row, then summed: sorting every fact (with its JSON) by subject took as long again
    return weeks === undefined
      ? []
      : [
          `SELECT ${part} AS part, k.subject_id AS "subjectId", sum(c.facts)::int AS facts,
                  sum(c.with_items)::int AS "withItems"
             ${weeksCovering(weeks)}
             CROSS JOIN LATERAL (
               SELECT count(*) AS facts,
                      count(*) FILTER (WHERE jsonb_typeof(e->2->${key}) = 'array'
                                         AND jsonb_array_length(e->2->${key}) > 0) AS with_items
                 FROM jsonb_array_elements(w.facts) e
                WHERE (e->>0)::float8 >= $3 AND (e->>0)::float8 < $4) c
            GROUP BY k.subject_id`,
        ];
  });
  if (ids.length === 0 || parts.length === 0) return found;
  const rows = await selectRows(db, FACT_COUNTS_ROW, parts.join('\nUNION ALL\n'), [
    orgId,
    ids,
    Math.floor(from),
    Math.min(to, Number.MAX_SAFE_INTEGER),
    ...counted.map(({ listKey }) => listKey ?? null),
  ]);
  for (const row of rows) found[row.part].set(row.subjectId, { facts: row.facts, withItems: row.withItems });
  return found;
}

/**
 * Reads of one declared read model, always within one org, each one statement whatever the number of
 * subjects asked for, and none reading more than the subjects and weeks asked for.
 */
export class ReadModelReader<Head, Data> {
  readonly tables: ReadModelTables;

  constructor(
    private readonly db: Queryable,
    readonly model: AnyReadModel,
  ) {
    this.tables = tablesOf(model);
  }

  async heads(orgId: string, ids: readonly string[]): Promise<HeadView<Head>[]> {
    if (ids.length === 0) return [];
    return this.selectHeads(
      `SELECT ${HEAD} FROM ${this.tables.head} WHERE org_id = $1 AND ${oneOf('subject_id', '$2', ids)}`,
      [orgId, ids],
    );
  }

  /** Heads in subject id order, paged by id. */
  async listHeads(orgId: string, page: HeadPage): Promise<HeadView<Head>[]> {
    const column = page.where ? this.column(page.where.column) : null;
    const set = page.set === undefined ? null : this.column(page.set);
    return this.selectHeads(
      `SELECT ${HEAD} FROM ${this.tables.head}
        WHERE org_id = $1 AND ($2::text IS NULL OR subject_id > $2)
          ${column ? `AND ${column} = ANY($4::text[])` : ''} ${set ? `AND ${set} IS NOT NULL` : ''}
        ORDER BY subject_id LIMIT $3`,
      [orgId, page.after ?? null, page.first, ...(page.where ? [page.where.values] : [])],
    );
  }

  /** Heads whose column is not null (a partial index serves the ones declared for it). */
  async headsWhereSet(orgId: string, column: string): Promise<HeadView<Head>[]> {
    return this.selectHeads(
      `SELECT ${HEAD} FROM ${this.tables.head} WHERE org_id = $1 AND ${this.column(column)} IS NOT NULL`,
      [orgId],
    );
  }

  /** Heads whose latest fact occurred after t (their head says more than "as of t"). */
  async headsAfter(orgId: string, t: number): Promise<HeadView<Head>[]> {
    return this.selectHeads(`SELECT ${HEAD} FROM ${this.tables.head} WHERE org_id = $1 AND last_at_ms > $2`, [
      orgId,
      Math.floor(t),
    ]);
  }

  /**
   * Subject id, one head column and the latest fact's time of the subjects whose column is one of the
   * values: what a walk over a column needs, without the heads' state sent and parsed.
   */
  async columnWhere(
    orgId: string,
    column: string,
    values: readonly string[],
  ): Promise<{ subjectId: string; value: string; lastAt: number }[]> {
    if (values.length === 0) return [];
    const c = this.column(column);
    return selectRows(
      this.db,
      COLUMN_VALUE_ROW,
      `SELECT subject_id AS "subjectId", ${c} AS value, last_at_ms::float8 AS "lastAt" FROM ${this.tables.head}
        WHERE org_id = $1 AND ${oneOf(c, '$2', values)}`,
      [orgId, values],
    );
  }

  /** The heads whose column is one of these values (by the column's index): the subjects and their state at once. */
  async headsWhere(orgId: string, column: string, values: readonly string[]): Promise<HeadView<Head>[]> {
    if (values.length === 0) return [];
    const c = this.column(column);
    return this.selectHeads(
      `SELECT ${HEAD} FROM ${this.tables.head} WHERE org_id = $1 AND ${oneOf(c, '$2', values)}`,
      [orgId, values],
    );
  }

  /**
   * Some head columns of these subjects, with their latest fact's time, without their state: what a
   * membership needs of thousands of subjects (their state sent and parsed cost ten times the bytes).
   */
  async headColumns(
    orgId: string,
    ids: readonly string[],
    columns: readonly string[],
  ): Promise<{ subjectId: string; lastAt: number; values: (string | null)[] }[]> {
    if (ids.length === 0) return [];
    return selectRows(
      this.db,
      HEAD_COLUMNS_ROW,
      `SELECT subject_id AS "subjectId", last_at_ms::float8 AS "lastAt",
              ARRAY[${columns.map((c) => `${this.column(c)}::text`).join(', ')}]::text[] AS values
         FROM ${this.tables.head} WHERE org_id = $1 AND ${oneOf('subject_id', '$2', ids)}`,
      [orgId, ids],
    );
  }

  /**
   * Heads of the subjects that ever named one of these ids (the model's links) and whose latest fact
   * occurred after t: the ones whose head may not say what they were at t. Led by the heads' last_at
   * index, so a recent t reads little whatever the links' size (the ids as `= ANY`: joined, the planner
   * read every link of a manager who had 2,000 reports; with 4,000 ids it may still scan the org's links).
   */
  async linkedHeadsAfter(orgId: string, linkIds: readonly string[], t: number): Promise<HeadView<Head>[]> {
    if (this.tables.links === undefined || linkIds.length === 0) return [];
    return this.selectHeads(
      `SELECT ${HEAD} FROM ${this.tables.head} h
        WHERE h.org_id = $1 AND h.last_at_ms > $3
          AND EXISTS (SELECT 1 FROM ${this.tables.links} l
                       WHERE l.org_id = $1 AND l.subject_id = h.subject_id AND l.link_id = ANY($2::text[]))`,
      [orgId, linkIds, Math.floor(t)],
    );
  }

  /** Subject id and one head column of every subject of the org: a compact whole-org picture. */
  async columnOfAll(orgId: string, column: string): Promise<{ subjectId: string; value: string | null }[]> {
    return selectRows(
      this.db,
      COLUMN_OF_ALL_ROW,
      `SELECT subject_id AS "subjectId", ${this.column(column)} AS value FROM ${this.tables.head} WHERE org_id = $1`,
      [orgId],
    );
  }

  async count(orgId: string): Promise<number> {
    const row = await selectOne(
      this.db,
      COUNT_ROW,
      `SELECT count(*)::int AS n FROM ${this.tables.head} WHERE org_id = $1`,
      [orgId],
    );
    return row.n;
  }

  /**
   * How many subjects, optionally only those whose head column equals one of the values, and only those
   * whose `set` column is set: every page of listHeads with the same filters together.
   */
  async countWhere(
    orgId: string,
    where?: { column: string; values: readonly string[] },
    set?: string,
  ): Promise<number> {
    const row = await selectOne(
      this.db,
      COUNT_ROW,
      `SELECT count(*)::int AS n FROM ${this.tables.head}
        WHERE org_id = $1 ${where ? `AND ${this.column(where.column)} = ANY($2::text[])` : ''}
          ${set === undefined ? '' : `AND ${this.column(set)} IS NOT NULL`}`,
      where ? [orgId, where.values] : [orgId],
    );
    return row.n;
  }

  /**
   * How many heads whose latest fact is at or before t have each column set (and the first column set
   * too, for the others): e.g. registered teams, and of those the blocked ones.
   */
  async countSet(orgId: string, columns: readonly string[], t: number): Promise<number[]> {
    const [first, ...others] = columns.map((c) => this.column(c));
    const row = await selectOne(
      this.db,
      COUNTS_ROW,
      `SELECT ARRAY[count(*)${others.map((c) => `, count(*) FILTER (WHERE ${c} IS NOT NULL)`).join('')}]::int[] AS counts
         FROM ${this.tables.head} WHERE org_id = $1 AND ${first} IS NOT NULL AND last_at_ms <= $2`,
      [orgId, Math.floor(t)],
    );
    return row.counts;
  }

  /**
   * Each subject's weeks from the one that covers `from` (from its first when none does) up to the one
   * that covers `to`, in order: with its start head, everything about the subject from `from` to `to`.
   */
  async weeksFrom(
    orgId: string,
    ids: readonly string[],
    from: number,
    to: number = Number.MAX_SAFE_INTEGER,
  ): Promise<Map<string, WeekView<Head, Data>[]>> {
    const found = new Map<string, WeekView<Head, Data>[]>(ids.map((id) => [id, []]));
    if (ids.length === 0 || this.tables.weeks === undefined) return found;
    const rows = await selectRows(
      this.db,
      SUBJECT_WEEK_ROW,
      `SELECT k.subject_id AS "subjectId", w.week_ms::float8 AS week, w.start_state AS start, w.facts
         ${weeksCovering(this.tables.weeks)}
        ORDER BY k.subject_id, w.week_ms`,
      [orgId, ids, Math.floor(from), Math.min(to, Number.MAX_SAFE_INTEGER)],
    );
    for (const row of rows)
      found.get(row.subjectId)?.push({
        week: row.week,
        start: row.start as Head,
        facts: factsOf<Data>(row.facts),
      });
    return found;
  }

  /** The subjects with a week whose flag is set and whose time reaches into [from, to). */
  async flagged(orgId: string, flag: string, from: number, to: number): Promise<string[]> {
    if (this.tables.weeks === undefined || !(flag in (this.model.weekFlags ?? {})))
      throw new Error(`${this.model.name} has no week flag ${flag}`);
    const rows = await selectRows(
      this.db,
      SUBJECT_ROW,
      `SELECT DISTINCT subject_id AS "subjectId" FROM ${this.tables.weeks}
        WHERE org_id = $1 AND ${flag}
          AND coalesce(covers_until_ms, 9007199254740991) > $2 AND week_ms < $3
        ORDER BY 1`,
      [orgId, Math.floor(from), Math.ceil(to)],
    );
    return rows.map((r) => r.subjectId);
  }

  /**
   * These subjects' weeks whose flag is set and whose time reaches into [from, to), each with the time
   * it covers until (the next week stored; null: the latest), in subject and week order.
   */
  async flaggedWeeks(
    orgId: string,
    flag: string,
    ids: readonly string[],
    from: number,
    to: number,
    only?: FlaggedWeeksPart,
  ): Promise<(WeekView<Head, Data> & { subjectId: string; coversUntil: number | null })[]> {
    if (this.tables.weeks === undefined || !(flag in (this.model.weekFlags ?? {})))
      throw new Error(`${this.model.name} has no week flag ${flag}`);
    if (ids.length === 0) return [];
    // only what the caller reads: a roll-up over thousands of teams then parses a third of the bytes
    const [start, facts] = only
      ? [
          'start_state - $5::text[]',
          `jsonb_path_query_array(facts, 'strict $[*] ? (@[2].kind == $k[*])', $6::jsonb)`,
        ]
      : ['start_state', 'facts'];
    const rows = await selectRows(
      this.db,
      FLAGGED_WEEK_ROW,
      `SELECT subject_id AS "subjectId", week_ms::float8 AS week, covers_until_ms::float8 AS "coversUntil",
                ${start} AS start, ${facts} AS facts
           FROM ${this.tables.weeks}
          WHERE org_id = $1 AND subject_id = ANY($2::text[]) AND ${flag}
            AND coalesce(covers_until_ms, 9007199254740991) > $3 AND week_ms < $4
          ORDER BY subject_id, week_ms`,
      [
        orgId,
        ids,
        Math.floor(from),
        Math.ceil(to),
        ...(only ? [only.omitHeadKeys, JSON.stringify({ k: only.factKinds })] : []),
      ],
    );
    return rows.map((row) => ({ ...row, start: row.start as Head, facts: factsOf<Data>(row.facts) }));
  }

  /** Each (link, subject) pair of these links: e.g. for each person, every manager who ever rated them. */
  async links(orgId: string, linkIds: readonly string[]): Promise<{ linkId: string; subjectId: string }[]> {
    if (this.tables.links === undefined || linkIds.length === 0) return [];
    return selectRows(
      this.db,
      LINK_ROW,
      `SELECT link_id AS "linkId", subject_id AS "subjectId" FROM ${this.tables.links}
        WHERE org_id = $1 AND ${oneOf('link_id', '$2', linkIds)} ORDER BY 1, 2`,
      [orgId, linkIds],
    );
  }

  /**
   * Which of these ids some subject ever named: one probe of the links' index per id, stopping at its
   * first link (an id named by thousands costs what one naming it once does).
   */
  async linkedAmong(orgId: string, linkIds: readonly string[]): Promise<Set<string>> {
    if (this.tables.links === undefined || linkIds.length === 0) return new Set();
    const rows = await selectRows(
      this.db,
      ID_ROW,
      `SELECT k.id FROM unnest($2::text[]) AS k(id)
        WHERE EXISTS (SELECT 1 FROM ${this.tables.links} l WHERE l.org_id = $1 AND l.link_id = k.id)`,
      [orgId, linkIds],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Subject ids with a head, in id order, paged. */
  async ids(orgId: string, page: { first: number; after?: string }): Promise<string[]> {
    const rows = await selectRows(
      this.db,
      ID_ROW,
      `SELECT subject_id AS id FROM ${this.tables.head}
        WHERE org_id = $1 AND ($2::text IS NULL OR subject_id > $2) ORDER BY 1 LIMIT $3`,
      [orgId, page.after ?? null, page.first],
    );
    return rows.map((r) => r.id);
  }

  /** Every id some subject ever named (the model's links), in id order, paged. */
  async linkIds(orgId: string, page: { first?: number; after?: string } = {}): Promise<string[]> {
    if (this.tables.links === undefined) return [];
    const rows = await selectRows(
      this.db,
      ID_ROW,
      `SELECT DISTINCT link_id AS id FROM ${this.tables.links}
        WHERE org_id = $1 AND ($2::text IS NULL OR link_id > $2) ORDER BY 1 LIMIT $3`,
      [orgId, page.after ?? null, page.first ?? null],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The org's per-day sums added up over each range of days [from, to) (from may be -Infinity), exact, in
   * one statement; one array of column sums per range.
   */
  async totals(orgId: string, ranges: readonly (readonly [number, number])[]): Promise<bigint[][]> {
    const columns = this.model.totals?.columns ?? [];
    if (this.tables.totals === undefined || columns.length === 0 || ranges.length === 0) return [];
    const bound = (t: number) => (Number.isFinite(t) ? Math.floor(t) : null);
    const params: unknown[] = [orgId];
    const sums = ranges.map(([from, to]) => {
      params.push(bound(from), bound(to));
      const [f, t] = [params.length - 1, params.length];
      const where = `($${f}::bigint IS NULL OR day_ms >= $${f}) AND day_ms < $${t}`;
      return `ARRAY[${columns.map((c) => `coalesce(sum(${c}) FILTER (WHERE ${where}), 0)::text`).join(', ')}]`;
    });
    const row = await selectOne(
      this.db,
      TOTALS_ROW,
      `SELECT ARRAY[${sums.join(', ')}] AS sums FROM ${this.tables.totals}
        WHERE org_id = $1 AND day_ms < ${Math.max(...ranges.map(([, to]) => Math.floor(to)))}`,
      params,
    );
    return row.sums.map((range) => range.map((v) => BigInt(v)));
  }

  /** Heads as read, their state the model's head. */
  private async selectHeads(sql: string, params: unknown[]): Promise<HeadView<Head>[]> {
    return (await selectRows(this.db, HEAD_ROW, sql, params)).map((row) => ({
      ...row,
      state: row.state as Head,
    }));
  }

  private column(name: string): string {
    if (!(name in (this.model.columns ?? {}))) throw new Error(`${this.model.name} has no column ${name}`);
    return name;
  }
}

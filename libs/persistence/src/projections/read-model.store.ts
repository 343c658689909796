import type { AnyReadModel, Fact } from '@orgpulse/domain';
import type { EntityManager } from 'typeorm';
import { BatchRows } from '../database/batch-rows';
import type { CopySink, CopyValue } from '../database/copy-rows';
import { columnNames } from '../database/json-rows';
import { type Queryable, col, rowShape, selectRows } from '../database/typed-sql';
import { type ReadModelTables, STORED_FACTS, type StoredFact, tablesOf } from './read-model-tables';

type Tx = Queryable;

/** A subject of one org: `${orgId}/${subjectId}` keys the maps below. */
export interface SubjectRef {
  orgId: string;
  subjectId: string;
}

export const keyOf = (orgId: string, subjectId: string) => `${orgId}/${subjectId}`;

/** A head as stored: the state after every fact up to the latest in occurrence order. */
export interface HeadRow extends SubjectRef {
  state: unknown;
  lastAt: number;
  lastPosition: number;
  /** the highest store position folded in, whatever its occurrence: moves with every write */
  version: number;
  /** with history, as loaded: the row its latest fact is in (its start) and how many facts that row holds */
  row?: { week: number; facts: number };
}

/** One ISO week of a subject's facts and the head it starts from; it covers time until the next week stored. */
export interface WeekRow extends SubjectRef {
  week: number;
  start: unknown;
  facts: Fact<unknown>[];
  coversUntil: number | null;
  /** the row is stored (facts are appended to it): its start is kept, not sent again */
  startStored?: boolean;
}

export interface LinkRow extends SubjectRef {
  linkId: string;
}

export interface TotalsRow {
  orgId: string;
  day: number;
  values: bigint[];
}

const HEAD_ROW = rowShape('read model head', {
  org_id: col.text(),
  subject_id: col.text(),
  state: col.json(),
  last_at: col.float(),
  last_position: col.float(),
  version: col.float(),
  row_week: col.nullable(col.float()),
  row_facts: col.nullable(col.int()),
});
const WEEK_ROW = rowShape('read model week', {
  week: col.float(),
  start_state: col.json(),
  facts: STORED_FACTS,
  covers_until: col.nullable(col.float()),
});

const LINK_COLUMNS = [
  ['org_id', 'uuid'],
  ['link_id', 'text'],
  ['subject_id', 'text'],
] as const;
const toStored = (facts: readonly Fact<unknown>[]): StoredFact[] =>
  facts.map((f) => [f.at, f.position, f.data]);
const fromStored = (facts: StoredFact[]): Fact<unknown>[] =>
  facts.map(([at, position, data]) => ({ at, position, data }));

/**
 * The storage a declaration implies, each operation one statement whatever the number of subjects:
 * heads, weekly facts, links and per-day totals. Nothing here reads or writes more than the subjects and
 * weeks asked for.
 */
export class ReadModelStore {
  readonly tables: ReadModelTables;
  private readonly columns: [string, (state: unknown) => string | null][];
  private readonly flags: [string, (start: unknown, facts: readonly Fact<unknown>[]) => boolean][];
  private readonly batches: { heads: BatchRows; weeks?: BatchRows; links?: BatchRows; totals?: BatchRows };

  constructor(
    readonly model: AnyReadModel,
    suffix = '',
    copyAtLeast?: number,
  ) {
    this.tables = tablesOf(model, suffix);
    this.columns = Object.entries(model.columns ?? {});
    this.flags = Object.entries(model.weekFlags ?? {});
    const { head, weeks, links, totals } = this.tables;
    const batch = (table: string, columns: readonly (readonly [string, string])[]) =>
      new BatchRows(`${table}_batch`, columns, copyAtLeast);
    this.batches = {
      heads: batch(head, this.headColumns()),
      weeks: weeks === undefined ? undefined : batch(weeks, this.weekColumns()),
      links: links === undefined ? undefined : batch(links, LINK_COLUMNS),
      totals: totals === undefined ? undefined : batch(totals, this.totalsColumns()),
    };
  }

  /** The batches its writes may COPY through, for a transaction to prepare their tables at its start. */
  get batchRows(): BatchRows[] {
    const { heads, weeks, links, totals } = this.batches;
    return [heads, weeks, links, totals].filter((b): b is BatchRows => b !== undefined);
  }

  async loadHeads(tx: Tx, refs: readonly SubjectRef[]): Promise<Map<string, HeadRow>> {
    if (refs.length === 0) return new Map();
    const weeks = this.tables.weeks;
    // with history, the last row (the one new facts are appended to) and how many facts it holds
    const [row, lastRow] =
      weeks === undefined
        ? ['NULL::float8 AS row_week, NULL::int AS row_facts', '']
        : [
            'r.week_ms::float8 AS row_week, jsonb_array_length(r.facts) AS row_facts',
            `LEFT JOIN LATERAL (SELECT w.week_ms, w.facts FROM ${weeks} w
                WHERE w.org_id = t.org_id AND w.subject_id = t.subject_id ORDER BY w.week_ms DESC LIMIT 1) r ON true`,
          ];
    const rows = await selectRows(
      tx,
      HEAD_ROW,
      `SELECT t.org_id, t.subject_id, t.state, t.last_at_ms::float8 AS last_at,
                t.last_position::float8 AS last_position, t.version::float8 AS version, ${row}
           FROM ${this.tables.head} t
           JOIN unnest($1::uuid[], $2::text[]) AS k(org_id, subject_id)
             ON t.org_id = k.org_id AND t.subject_id = k.subject_id
           ${lastRow}`,
      [refs.map((r) => r.orgId), refs.map((r) => r.subjectId)],
    );
    return new Map(
      rows.map((r) => [
        keyOf(r.org_id, r.subject_id),
        {
          orgId: r.org_id,
          subjectId: r.subject_id,
          state: r.state,
          lastAt: r.last_at,
          lastPosition: r.last_position,
          version: r.version,
          ...(r.row_week === null ? {} : { row: { week: r.row_week, facts: r.row_facts ?? 0 } }),
        },
      ]),
    );
  }

  async upsertHeads(tx: EntityManager, rows: readonly HeadRow[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = this.headColumns();
    await this.write(
      tx,
      this.batches.heads,
      rows.map((r) => this.headRecord(r)),
      (from) => `INSERT INTO ${this.tables.head} AS h (${columnNames(columns)}, updated_at)
       SELECT ${columnNames(columns)}, now() FROM ${from}
       ON CONFLICT (org_id, subject_id) DO UPDATE
         SET ${columns
           .slice(2)
           .map(([c]) => `${c} = EXCLUDED.${c}`)
           .join(', ')}, updated_at = now()`,
    );
  }

  /**
   * In-order facts: appended to their week (created with its start head when new), and the week before
   * them told where its coverage now ends. The week's earlier facts are not read or sent.
   */
  async appendWeeks(tx: EntityManager, rows: readonly WeekRow[], version: number): Promise<void> {
    if (rows.length === 0 || this.tables.weeks === undefined || this.batches.weeks === undefined) return;
    const columns = this.weekColumns();
    const flags = this.flags.map(([name]) => `, ${name} = w.${name} OR EXCLUDED.${name}`).join('');
    await this.write(
      tx,
      this.batches.weeks,
      rows.map((r) => this.weekRecord(r, version)),
      (from) => `INSERT INTO ${this.tables.weeks} AS w (${columnNames(columns)})
       SELECT ${columnNames(columns)} FROM ${from}
       ON CONFLICT (org_id, subject_id, week_ms) DO UPDATE
         SET facts = w.facts || EXCLUDED.facts, covers_until_ms = EXCLUDED.covers_until_ms,
             version = EXCLUDED.version${flags}`,
    );
  }

  /** Weeks re-folded after a late fact: written whole. */
  async replaceWeeks(tx: EntityManager, rows: readonly WeekRow[], version: number): Promise<void> {
    if (rows.length === 0 || this.tables.weeks === undefined || this.batches.weeks === undefined) return;
    const columns = this.weekColumns();
    const flags = this.flags.map(([name]) => `, ${name} = EXCLUDED.${name}`).join('');
    await this.write(
      tx,
      this.batches.weeks,
      rows.map((r) => this.weekRecord(r, version)),
      (from) => `INSERT INTO ${this.tables.weeks} (${columnNames(columns)})
       SELECT ${columnNames(columns)} FROM ${from}
       ON CONFLICT (org_id, subject_id, week_ms) DO UPDATE
         SET start_state = EXCLUDED.start_state, facts = EXCLUDED.facts,
             covers_until_ms = EXCLUDED.covers_until_ms, version = EXCLUDED.version${flags}`,
    );
  }

  /**
   * A subject's weeks from the one that covers `at` on (from the first if none does), in order, at most
   * `limit` of them, after `afterWeek` when paging on.
   */
  async loadWeeksFrom(
    tx: Tx,
    ref: SubjectRef,
    at: number,
    limit: number,
    afterWeek?: number,
  ): Promise<WeekRow[]> {
    if (this.tables.weeks === undefined) return [];
    const rows = await selectRows(
      tx,
      WEEK_ROW,
      `SELECT week_ms::float8 AS week, start_state, facts, covers_until_ms::float8 AS covers_until
           FROM ${this.tables.weeks}
          WHERE org_id = $1 AND subject_id = $2
            AND week_ms >= coalesce($5::bigint + 1, (SELECT max(week_ms) FROM ${this.tables.weeks}
                                                   WHERE org_id = $1 AND subject_id = $2 AND week_ms <= $3), 0)
          ORDER BY week_ms LIMIT $4`,
      [ref.orgId, ref.subjectId, at, limit, afterWeek ?? null],
    );
    return rows.map((r) => ({
      ...ref,
      week: r.week,
      start: r.start_state,
      facts: fromStored(r.facts as StoredFact[]),
      coversUntil: r.covers_until,
    }));
  }

  async insertLinks(tx: EntityManager, rows: readonly LinkRow[]): Promise<void> {
    if (rows.length === 0 || this.tables.links === undefined || this.batches.links === undefined) return;
    await this.write(
      tx,
      this.batches.links,
      rows.map((r) => [r.orgId, r.linkId, r.subjectId]),
      (from) => `INSERT INTO ${this.tables.links} (${columnNames(LINK_COLUMNS)})
       SELECT ${columnNames(LINK_COLUMNS)} FROM ${from} ON CONFLICT DO NOTHING`,
    );
  }

  /** Adds differences to the org's per-day sums (rows in key order, so concurrent writers never deadlock). */
  async addTotals(tx: EntityManager, rows: readonly TotalsRow[]): Promise<void> {
    const totals = this.model.totals;
    if (rows.length === 0 || this.tables.totals === undefined || this.batches.totals === undefined) return;
    if (totals === undefined) return;
    const sorted = [...rows].sort((a, b) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : a.day - b.day));
    const columns = this.totalsColumns();
    await this.write(
      tx,
      this.batches.totals,
      sorted.map((r) => [r.orgId, r.day, ...r.values.map((v) => v.toString())]),
      (from) => `INSERT INTO ${this.tables.totals} AS s (${columnNames(columns)})
       SELECT ${columnNames(columns)} FROM ${from} ORDER BY org_id, day_ms
       ON CONFLICT (org_id, day_ms) DO UPDATE
         SET ${totals.columns.map((c) => `${c} = s.${c} + EXCLUDED.${c}`).join(', ')}`,
    );
  }

  /**
   * A rebuild's rows for fresh tables, with COPY: heads, whole weeks and links of subjects written
   * nowhere else yet (no conflicts to resolve).
   */
  async copy(
    sink: CopySink,
    rows: { heads: readonly HeadRow[]; weeks: readonly WeekRow[]; links: readonly LinkRow[] },
    version: number,
  ): Promise<void> {
    const names = (columns: readonly (readonly [string, string])[]) => columns.map(([name]) => name);
    if (rows.heads.length > 0)
      await sink.write(
        this.tables.head,
        names(this.headColumns()),
        rows.heads.map((r) => this.headRecord(r)),
      );
    if (rows.weeks.length > 0 && this.tables.weeks !== undefined)
      await sink.write(
        this.tables.weeks,
        names(this.weekColumns()),
        rows.weeks.map((r) => this.weekRecord(r, version)),
      );
    if (rows.links.length > 0 && this.tables.links !== undefined)
      await sink.write(
        this.tables.links,
        names(LINK_COLUMNS),
        rows.links.map((r) => [r.orgId, r.linkId, r.subjectId]),
      );
  }

  private headColumns(): [string, string][] {
    return [
      ['org_id', 'uuid'],
      ['subject_id', 'text'],
      ['state', 'jsonb'],
      ['last_at_ms', 'bigint'],
      ['last_position', 'bigint'],
      ['version', 'bigint'],
      ...this.columns.map(([name]): [string, string] => [name, 'text']),
    ];
  }

  private headRecord(r: HeadRow): CopyValue[] {
    return [
      r.orgId,
      r.subjectId,
      JSON.stringify(r.state),
      r.lastAt,
      r.lastPosition,
      r.version,
      ...this.columns.map(([, derive]) => derive(r.state)),
    ];
  }

  private weekColumns(): [string, string][] {
    return [
      ['org_id', 'uuid'],
      ['subject_id', 'text'],
      ['week_ms', 'bigint'],
      ['start_state', 'jsonb'],
      ['facts', 'jsonb'],
      ['covers_until_ms', 'bigint'],
      ['version', 'bigint'],
      ...this.flags.map(([name]): [string, string] => [name, 'boolean']),
    ];
  }

  private weekRecord(r: WeekRow, version: number): CopyValue[] {
    return [
      r.orgId,
      r.subjectId,
      r.week,
      // a stored row's start stays as it is (ON CONFLICT), and JSON null only fills the column
      r.startStored === true ? 'null' : JSON.stringify(r.start),
      JSON.stringify(toStored(r.facts)),
      r.coversUntil,
      version,
      ...this.flags.map(([, flag]) => flag(r.start, r.facts)),
    ];
  }

  private totalsColumns(): [string, string][] {
    return [
      ['org_id', 'uuid'],
      ['day_ms', 'bigint'],
      ...(this.model.totals?.columns ?? []).map((c): [string, string] => [c, 'numeric']),
    ];
  }

  private async write(
    tx: EntityManager,
    batch: BatchRows,
    rows: readonly (readonly CopyValue[])[],
    build: (from: string) => string,
  ): Promise<void> {
    const { sql, params } = await batch.statement(tx, rows, build);
    await tx.query(sql, params);
  }
}

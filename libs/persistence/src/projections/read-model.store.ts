import type { AnyReadModel, Fact } from '@orgpulse/domain';
import type { ClientBase } from 'pg';
import type { EntityManager } from 'typeorm';
import { copyRows } from '../database/copy-rows';
import { type ReadModelTables, tablesOf } from './read-model-tables';

type Tx = Pick<EntityManager, 'query'>;

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
}

/** One ISO week of a subject's facts and the head it starts from; it covers time until the next week stored. */
export interface WeekRow extends SubjectRef {
  week: number;
  start: unknown;
  facts: Fact<unknown>[];
  coversUntil: number | null;
}

export interface LinkRow extends SubjectRef {
  linkId: string;
}

export interface TotalsRow {
  orgId: string;
  day: number;
  values: number[];
}

type StoredFact = [number, number, unknown];
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

  constructor(
    readonly model: AnyReadModel,
    suffix = '',
  ) {
    this.tables = tablesOf(model, suffix);
    this.columns = Object.entries(model.columns ?? {});
    this.flags = Object.entries(model.weekFlags ?? {});
  }

  async loadHeads(tx: Tx, refs: readonly SubjectRef[]): Promise<Map<string, HeadRow>> {
    if (refs.length === 0) return new Map();
    const rows: {
      org_id: string;
      subject_id: string;
      state: unknown;
      last_at: number;
      last_position: number;
      version: number;
    }[] = await tx.query(
      `SELECT t.org_id, t.subject_id, t.state, t.last_at_ms::float8 AS last_at,
                t.last_position::float8 AS last_position, t.version::float8 AS version
           FROM ${this.tables.head} t
           JOIN unnest($1::uuid[], $2::text[]) AS k(org_id, subject_id)
             ON t.org_id = k.org_id AND t.subject_id = k.subject_id`,
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
        },
      ]),
    );
  }

  async upsertHeads(tx: Tx, rows: readonly HeadRow[]): Promise<void> {
    if (rows.length === 0) return;
    const extra = this.columns.map(([name]) => name);
    const names = ['org_id', 'subject_id', 'state', 'last_at_ms', 'last_position', 'version', ...extra];
    const types = ['uuid', 'text', 'jsonb', 'bigint', 'bigint', 'bigint', ...extra.map(() => 'text')];
    await tx.query(
      `INSERT INTO ${this.tables.head} (${names.join(', ')}, updated_at)
       SELECT *, now() FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS t(${names.join(', ')})
       ON CONFLICT (org_id, subject_id) DO UPDATE
         SET ${names
           .slice(2)
           .map((c) => `${c} = EXCLUDED.${c}`)
           .join(', ')}, updated_at = now()`,
      [
        rows.map((r) => r.orgId),
        rows.map((r) => r.subjectId),
        rows.map((r) => JSON.stringify(r.state)),
        rows.map((r) => r.lastAt),
        rows.map((r) => r.lastPosition),
        rows.map((r) => r.version),
        ...this.columns.map(([, derive]) => rows.map((r) => derive(r.state))),
      ],
    );
  }

  /**
   * In-order facts: appended to their week (created with its start head when new), and the week before
   * them told where its coverage now ends. The week's earlier facts are not read or sent.
   */
  async appendWeeks(tx: Tx, rows: readonly WeekRow[], version: number): Promise<void> {
    if (rows.length === 0 || this.tables.weeks === undefined) return;
    const flags = this.flags.map(([name]) => `, ${name} = w.${name} OR EXCLUDED.${name}`).join('');
    await tx.query(
      `INSERT INTO ${this.tables.weeks} AS w (${this.weekColumns()})
       SELECT ${this.weekValues()}
       ON CONFLICT (org_id, subject_id, week_ms) DO UPDATE
         SET facts = w.facts || EXCLUDED.facts, covers_until_ms = EXCLUDED.covers_until_ms,
             version = EXCLUDED.version${flags}`,
      this.weekParams(rows, version),
    );
  }

  /** Weeks re-folded after a late fact: written whole. */
  async replaceWeeks(tx: Tx, rows: readonly WeekRow[], version: number): Promise<void> {
    if (rows.length === 0 || this.tables.weeks === undefined) return;
    const flags = this.flags.map(([name]) => `, ${name} = EXCLUDED.${name}`).join('');
    await tx.query(
      `INSERT INTO ${this.tables.weeks} (${this.weekColumns()})
       SELECT ${this.weekValues()}
       ON CONFLICT (org_id, subject_id, week_ms) DO UPDATE
         SET start_state = EXCLUDED.start_state, facts = EXCLUDED.facts,
             covers_until_ms = EXCLUDED.covers_until_ms, version = EXCLUDED.version${flags}`,
      this.weekParams(rows, version),
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
    const rows: { week: number; start_state: unknown; facts: StoredFact[]; covers_until: number | null }[] =
      await tx.query(
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
      facts: fromStored(r.facts),
      coversUntil: r.covers_until,
    }));
  }

  async insertLinks(tx: Tx, rows: readonly LinkRow[]): Promise<void> {
    if (rows.length === 0 || this.tables.links === undefined) return;
    await tx.query(
      `INSERT INTO ${this.tables.links} (org_id, link_id, subject_id)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
      [rows.map((r) => r.orgId), rows.map((r) => r.linkId), rows.map((r) => r.subjectId)],
    );
  }

  /** Adds differences to the org's per-day sums (rows in key order, so concurrent writers never deadlock). */
  async addTotals(tx: Tx, rows: readonly TotalsRow[]): Promise<void> {
    const totals = this.model.totals;
    if (rows.length === 0 || this.tables.totals === undefined || totals === undefined) return;
    const sorted = [...rows].sort((a, b) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : a.day - b.day));
    const columns = totals.columns;
    await tx.query(
      `INSERT INTO ${this.tables.totals} AS s (org_id, day_ms, ${columns.join(', ')})
       SELECT * FROM unnest($1::uuid[], $2::bigint[], ${columns.map((_, i) => `$${i + 3}::bigint[]`).join(', ')})
       ON CONFLICT (org_id, day_ms) DO UPDATE
         SET ${columns.map((c) => `${c} = s.${c} + EXCLUDED.${c}`).join(', ')}`,
      [
        sorted.map((r) => r.orgId),
        sorted.map((r) => r.day),
        ...columns.map((_, i) => sorted.map((r) => r.values[i])),
      ],
    );
  }

  /**
   * A rebuild's rows for fresh tables, with COPY: heads, whole weeks and links of subjects written
   * nowhere else yet (no conflicts to resolve).
   */
  async copy(
    client: ClientBase,
    rows: { heads: readonly HeadRow[]; weeks: readonly WeekRow[]; links: readonly LinkRow[] },
    version: number,
  ): Promise<void> {
    const extra = this.columns.map(([name]) => name);
    if (rows.heads.length > 0)
      await copyRows(
        client,
        this.tables.head,
        ['org_id', 'subject_id', 'state', 'last_at_ms', 'last_position', 'version', ...extra],
        rows.heads.map((r) => [
          r.orgId,
          r.subjectId,
          JSON.stringify(r.state),
          r.lastAt,
          r.lastPosition,
          r.version,
          ...this.columns.map(([, derive]) => derive(r.state)),
        ]),
      );
    if (rows.weeks.length > 0 && this.tables.weeks !== undefined)
      await copyRows(
        client,
        this.tables.weeks,
        [
          'org_id',
          'subject_id',
          'week_ms',
          'start_state',
          'facts',
          'covers_until_ms',
          'version',
          ...this.flags.map(([n]) => n),
        ],
        rows.weeks.map((r) => [
          r.orgId,
          r.subjectId,
          r.week,
          JSON.stringify(r.start),
          JSON.stringify(toStored(r.facts)),
          r.coversUntil,
          version,
          ...this.flags.map(([, flag]) => flag(r.start, r.facts)),
        ]),
      );
    if (rows.links.length > 0 && this.tables.links !== undefined)
      await copyRows(
        client,
        this.tables.links,
        ['org_id', 'link_id', 'subject_id'],
        rows.links.map((r) => [r.orgId, r.linkId, r.subjectId]),
      );
  }

  private weekColumns(): string {
    return [
      'org_id',
      'subject_id',
      'week_ms',
      'start_state',
      'facts',
      'covers_until_ms',
      'version',
      ...this.flags.map(([n]) => n),
    ].join(', ');
  }

  private weekValues(): string {
    const flags = this.flags.map((_, i) => `, f${i}`).join('');
    const arrays = this.flags.map((_, i) => `, $${i + 8}::boolean[]`).join('');
    const names = this.flags.map((_, i) => `, f${i}`).join('');
    return `o, s, w, st, f, c, $7::bigint${flags}
      FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::jsonb[], $5::jsonb[], $6::bigint[]${arrays}) AS t(o, s, w, st, f, c${names})`;
  }

  private weekParams(rows: readonly WeekRow[], version: number): unknown[] {
    return [
      rows.map((r) => r.orgId),
      rows.map((r) => r.subjectId),
      rows.map((r) => r.week),
      rows.map((r) => JSON.stringify(r.start)),
      rows.map((r) => JSON.stringify(toStored(r.facts))),
      rows.map((r) => r.coversUntil),
      version,
      ...this.flags.map(([, flag]) => rows.map((r) => flag(r.start, r.facts))),
    ];
  }
}

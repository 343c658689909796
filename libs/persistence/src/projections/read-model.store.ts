import type { AnyReadModel } from '@orgpulse/domain';
import type { EntityManager } from 'typeorm';

/** A subject of one org: `${orgId}/${subject}` keys the maps below. */
export interface SubjectRef {
  orgId: string;
  subjectId: string;
}

export const keyOf = (orgId: string, subjectId: string) => `${orgId}/${subjectId}`;

/**
 * The one store every declared read model lives in: a table named after it (or a rebuild's copy), one row
 * per org and subject, the state as JSON, and the declaration's extra columns beside it.
 */
export class ReadModelStore {
  readonly table: string;
  private readonly columns: [string, (state: unknown) => string | null][];

  constructor(
    readonly model: AnyReadModel,
    suffix = '',
  ) {
    this.table = `${model.name}${suffix}`;
    this.columns = Object.entries(model.columns ?? {});
  }

  async load(tx: EntityManager, refs: readonly SubjectRef[]): Promise<Map<string, unknown>> {
    if (refs.length === 0) return new Map();
    const rows: { org_id: string; subject_id: string; state: unknown }[] = await tx.query(
      `SELECT t.org_id, t.subject_id, t.state FROM ${this.table} t
         JOIN unnest($1::uuid[], $2::text[]) AS k(org_id, subject_id)
           ON t.org_id = k.org_id AND t.subject_id = k.subject_id`,
      [refs.map((r) => r.orgId), refs.map((r) => r.subjectId)],
    );
    return new Map(rows.map((r) => [keyOf(r.org_id, r.subject_id), r.state]));
  }

  async upsert(tx: EntityManager, rows: readonly (SubjectRef & { state: unknown })[]): Promise<void> {
    if (rows.length === 0) return;
    const extra = this.columns.map(([name]) => name);
    const params: unknown[] = [
      rows.map((r) => r.orgId),
      rows.map((r) => r.subjectId),
      rows.map((r) => JSON.stringify(r.state)),
      ...this.columns.map(([, derive]) => rows.map((r) => derive(r.state))),
    ];
    const unnest = ['$1::uuid[]', '$2::text[]', '$3::jsonb[]', ...extra.map((_, i) => `$${i + 4}::text[]`)];
    const names = ['org_id', 'subject_id', 'state', ...extra];
    await tx.query(
      `INSERT INTO ${this.table} (${names.join(', ')}, updated_at)
       SELECT *, now() FROM unnest(${unnest.join(', ')}) AS t(${names.join(', ')})
       ON CONFLICT (org_id, subject_id) DO UPDATE
         SET ${['state', ...extra].map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()`,
      params,
    );
  }
}

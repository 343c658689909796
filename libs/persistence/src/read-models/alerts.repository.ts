import { type Queryable, col, rowShape, selectOne, selectRows } from '../database/typed-sql';

export type AlertStatus = 'OPEN' | 'RESOLVED';

export interface AlertRow {
  id: string;
  rule: string;
  subjectId: string;
  status: AlertStatus;
  raisedAt: Date;
  resolvedAt: Date | null;
  figures: Record<string, unknown>;
}

const ALERT_ROW = rowShape('alert', {
  id: col.text(),
  rule: col.text(),
  subjectId: col.text(),
  status: col.text(),
  raisedAt: col.date(),
  resolvedAt: col.nullable(col.date()),
  figures: col.json(),
});
const ALERT_COUNT = rowShape('alert count', { n: col.int() });

export class AlertsRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Latest raised first (ties by id); `after` is the last id of the previous page. With `teams`, only
   * alerts of those `rules` about those teams (a group-scoped reader).
   */
  async list(
    orgId: string,
    status?: AlertStatus,
    page: { first?: number; after?: string; teams?: string[]; rules?: string[] } = {},
  ): Promise<AlertRow[]> {
    const rows = await selectRows(
      this.db,
      ALERT_ROW,
      `SELECT id, rule, subject_id AS "subjectId", status, raised_at AS "raisedAt", resolved_at AS "resolvedAt", figures
         FROM alerts
        WHERE org_id = $1 AND ($2::text IS NULL OR status = $2)
          AND ($3::text IS NULL OR (raised_at, id) < (SELECT raised_at, id FROM alerts WHERE org_id = $1 AND id::text = $3))
          AND ($5::text[] IS NULL OR (subject_id = ANY($5) AND rule = ANY($6::text[])))
        ORDER BY raised_at DESC, id DESC LIMIT $4`,
      [orgId, status ?? null, page.after ?? null, page.first ?? null, page.teams ?? null, page.rules ?? null],
    );
    return rows.map((r) => ({
      ...r,
      status: r.status as AlertStatus,
      figures: r.figures as Record<string, unknown>,
    }));
  }

  /** How many alerts `list` pages through, every page together. */
  async count(
    orgId: string,
    status?: AlertStatus,
    scope: { teams?: string[]; rules?: string[] } = {},
  ): Promise<number> {
    const row = await selectOne(
      this.db,
      ALERT_COUNT,
      `SELECT count(*)::int AS n FROM alerts
        WHERE org_id = $1 AND ($2::text IS NULL OR status = $2)
          AND ($3::text[] IS NULL OR (subject_id = ANY($3) AND rule = ANY($4::text[])))`,
      [orgId, status ?? null, scope.teams ?? null, scope.rules ?? null],
    );
    return row.n;
  }
}

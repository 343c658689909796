import type { EntityManager } from 'typeorm';

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

export class AlertsRepository {
  constructor(private readonly db: Pick<EntityManager, 'query'>) {}

  /**
   * Latest raised first (ties by id); `after` is the last id of the previous page. With `teams`, only
   * alerts of those `rules` about those teams (a group-scoped reader).
   */
  async list(
    orgId: string,
    status?: AlertStatus,
    page: { first?: number; after?: string; teams?: string[]; rules?: string[] } = {},
  ): Promise<AlertRow[]> {
    return this.db.query(
      `SELECT id, rule, subject_id AS "subjectId", status, raised_at AS "raisedAt", resolved_at AS "resolvedAt", figures
         FROM alerts
        WHERE org_id = $1 AND ($2::text IS NULL OR status = $2)
          AND ($3::text IS NULL OR (raised_at, id) < (SELECT raised_at, id FROM alerts WHERE org_id = $1 AND id::text = $3))
          AND ($5::text[] IS NULL OR (subject_id = ANY($5) AND rule = ANY($6::text[])))
        ORDER BY raised_at DESC, id DESC LIMIT $4`,
      [orgId, status ?? null, page.after ?? null, page.first ?? null, page.teams ?? null, page.rules ?? null],
    );
  }

  /** How many alerts `list` pages through, every page together. */
  async count(
    orgId: string,
    status?: AlertStatus,
    scope: { teams?: string[]; rules?: string[] } = {},
  ): Promise<number> {
    const rows: { n: number }[] = await this.db.query(
      `SELECT count(*)::int AS n FROM alerts
        WHERE org_id = $1 AND ($2::text IS NULL OR status = $2)
          AND ($3::text[] IS NULL OR (subject_id = ANY($3) AND rule = ANY($4::text[])))`,
      [orgId, status ?? null, scope.teams ?? null, scope.rules ?? null],
    );
    return rows[0].n;
  }
}

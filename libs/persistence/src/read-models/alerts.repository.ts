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

  async list(orgId: string, status?: AlertStatus): Promise<AlertRow[]> {
    return this.db.query(
      `SELECT id, rule, subject_id AS "subjectId", status, raised_at AS "raisedAt", resolved_at AS "resolvedAt", figures
         FROM alerts WHERE org_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY raised_at DESC`,
      [orgId, status ?? null],
    );
  }
}

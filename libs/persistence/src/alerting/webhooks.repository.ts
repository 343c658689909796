import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';

export interface WebhookRow {
  id: string;
  url: string;
  format: 'json' | 'slack';
  createdAt: Date;
}

export interface DeliveryRow {
  id: string;
  alertId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  lastStatus: number | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
}

/** Outbound webhooks registered by admins; their secrets are never read back. */
export class WebhooksRepository {
  constructor(private readonly db: Pick<EntityManager, 'query'>) {}

  async create(orgId: string, url: string, secret: string, format: 'json' | 'slack'): Promise<WebhookRow> {
    const rows: WebhookRow[] = await this.db.query(
      `INSERT INTO webhooks (id, org_id, url, secret, format) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, url, format, created_at AS "createdAt"`,
      [randomUUID(), orgId, url, secret, format],
    );
    return rows[0];
  }

  async list(orgId: string): Promise<WebhookRow[]> {
    return this.db.query(
      `SELECT id, url, format, created_at AS "createdAt" FROM webhooks
        WHERE org_id = $1 AND deleted_at IS NULL ORDER BY created_at`,
      [orgId],
    );
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    const rows: { n: number }[] = await this.db.query(
      `WITH d AS (UPDATE webhooks SET deleted_at = now() WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [orgId, id],
    );
    return rows[0].n > 0;
  }

  async deliveries(orgId: string, webhookId: string, first: number): Promise<DeliveryRow[]> {
    return this.db.query(
      `SELECT id::text, alert_id AS "alertId", status, attempts, last_error AS "lastError", last_status AS "lastStatus",
              next_attempt_at AS "nextAttemptAt", delivered_at AS "deliveredAt"
         FROM alert_outbox WHERE org_id = $1 AND webhook_id = $2 ORDER BY id DESC LIMIT $3`,
      [orgId, webhookId, first],
    );
  }
}

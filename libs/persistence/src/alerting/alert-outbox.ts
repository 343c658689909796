import type { AlertChanged } from '@orgpulse/contracts';
import type { EntityManager } from 'typeorm';
import type { WebhookTarget } from './alerts.store';

export interface OutboxDelivery {
  id: string;
  channel: 'kafka' | 'webhook';
  attempts: number;
  payload: AlertChanged;
  webhook: WebhookTarget | null;
}

/** Pending deliveries, claimed with SKIP LOCKED so alerter instances never deliver the same one at once. */
export class AlertOutbox {
  constructor(private readonly tx: Pick<EntityManager, 'query'>) {}

  /** Due deliveries, each only once the earlier ones of its alert and channel are done. */
  /** Deliveries whose attempt is due: the oldest waiting long means delivery is stuck. */
  async dueBacklog(): Promise<{ due: number; oldestDueSeconds: number }> {
    const [row]: { due: number; age: number | null }[] = await this.tx.query(
      `SELECT count(*)::int AS due, extract(epoch FROM now() - min(next_attempt_at))::float8 AS age
         FROM alert_outbox WHERE status = 'pending' AND next_attempt_at <= now()`,
    );
    return { due: row.due, oldestDueSeconds: Math.max(0, row.age ?? 0) };
  }

  async claimDue(limit: number): Promise<OutboxDelivery[]> {
    const rows: (Omit<OutboxDelivery, 'webhook'> & {
      webhook_id: string | null;
      url: string;
      secret: string;
      format: 'json' | 'slack';
    })[] = await this.tx.query(
      `SELECT o.id::text, o.channel, o.attempts, o.payload, o.webhook_id, w.url, w.secret, w.format
           FROM alert_outbox o LEFT JOIN webhooks w ON w.id = o.webhook_id
          WHERE o.status = 'pending' AND o.next_attempt_at <= now()
            AND NOT EXISTS (SELECT 1 FROM alert_outbox e
                             WHERE e.alert_id = o.alert_id AND e.channel = o.channel
                               AND e.webhook_id IS NOT DISTINCT FROM o.webhook_id AND e.id < o.id AND e.status = 'pending')
          ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED`,
      [limit],
    );
    return rows.map(({ webhook_id, url, secret, format, ...row }) => ({
      ...row,
      webhook: webhook_id === null ? null : { id: webhook_id, url, secret, format },
    }));
  }

  async delivered(id: string, status: number | null): Promise<void> {
    await this.tx.query(
      `UPDATE alert_outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = now(), last_status = $2, last_error = NULL
        WHERE id = $1`,
      [id, status],
    );
  }

  async failedAttempt(
    id: string,
    error: string,
    status: number | null,
    retryInMs: number | null,
  ): Promise<void> {
    await this.tx.query(
      `UPDATE alert_outbox SET attempts = attempts + 1, last_error = $2, last_status = $3,
              status = CASE WHEN $4::bigint IS NULL THEN 'failed' ELSE 'pending' END,
              next_attempt_at = now() + make_interval(secs => coalesce($4::bigint, 0) / 1000.0)
        WHERE id = $1`,
      [id, error.slice(0, 2000), status, retryInMs],
    );
  }
}

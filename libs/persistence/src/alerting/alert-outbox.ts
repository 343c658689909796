import type { AlertChanged } from '@orgpulse/contracts';
import type { EntityManager } from 'typeorm';
import type { WebhookTarget } from './alerts.store';

export interface OutboxDelivery {
  id: string;
  orgId: string;
  channel: 'kafka' | 'webhook';
  attempts: number;
  payload: AlertChanged;
  webhook: WebhookTarget | null;
  /** the W3C traceparent of the evaluation that enqueued it, when traced */
  traceParent?: string | null;
}

export interface ClaimOptions {
  /** at most this many deliveries */
  limit: number;
  /** at most this many deliveries of one webhook in flight, whoever sends them */
  perWebhook: number;
  /** the claim lapses after this, so a delivery whose sender died comes due again */
  leaseMs: number;
  /** who claims: only its own claim's result is recorded */
  claimant: string;
}

export interface UndeliveredBacklog {
  channel: 'kafka' | 'webhook';
  undelivered: number;
  oldestSeconds: number;
}

/**
 * Due and free to send now: not claimed by a live lease, not behind an earlier pending change of
 * the same alert to the same channel, and its webhook (not deleted) below its in-flight limit.
 * A delivery waiting for its turn behind its own webhook is not stuck work of the alerter.
 */
const SENDABLE = `
  o.status = 'pending' AND o.next_attempt_at <= now()
  AND (o.claimed_until IS NULL OR o.claimed_until <= now())
  AND (o.webhook_id IS NULL OR EXISTS (SELECT 1 FROM webhooks w WHERE w.id = o.webhook_id AND w.deleted_at IS NULL))
  AND NOT EXISTS (SELECT 1 FROM alert_outbox e
                   WHERE e.alert_id = o.alert_id AND e.channel = o.channel
                     AND e.webhook_id IS NOT DISTINCT FROM o.webhook_id AND e.id < o.id AND e.status = 'pending')`;
const IN_FLIGHT = `
  SELECT webhook_id, count(*)::int AS n FROM alert_outbox
   WHERE status = 'pending' AND claimed_until > now() AND webhook_id IS NOT NULL GROUP BY webhook_id`;

/**
 * Pending deliveries. Claims are short transactions that lease rows; sending happens outside any
 * transaction, so a slow receiver holds no connection and no lock, and delays nobody else.
 */
export class AlertOutbox {
  constructor(private readonly db: Pick<EntityManager, 'query' | 'transaction'>) {}

  /**
   * Leases due deliveries in turns: each webhook's (and each org's Kafka) first due delivery before
   * anyone's second, so one org's backlog never queues another's behind it.
   */
  async claim(options: ClaimOptions): Promise<OutboxDelivery[]> {
    return this.db.transaction(async (tx) => {
      // One claim at a time across instances, so the in-flight limit per webhook holds exactly.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('alert_outbox:claim'))`);
      const rows: (Omit<OutboxDelivery, 'webhook'> & {
        webhook_id: string | null;
        url: string;
        secret: string | null;
        sealed: string | null;
        format: 'json' | 'slack';
      })[] = await tx.query(
        `WITH due AS (
           SELECT o.id, o.webhook_id, o.next_attempt_at,
                  row_number() OVER (PARTITION BY coalesce(o.webhook_id::text, o.org_id::text) ORDER BY o.id) AS turn
             FROM alert_outbox o WHERE ${SENDABLE}
         ), in_flight AS (${IN_FLIGHT}),
         picked AS (
           SELECT d.id, w.url, w.secret, w.secret_sealed AS sealed, w.format
             FROM due d LEFT JOIN in_flight f ON f.webhook_id = d.webhook_id
             LEFT JOIN webhooks w ON w.id = d.webhook_id
            WHERE d.webhook_id IS NULL OR d.turn + coalesce(f.n, 0) <= $2
            ORDER BY d.turn, d.next_attempt_at, d.id LIMIT $1
         ),
         claimed AS (
           UPDATE alert_outbox o
              SET claimed_until = now() + make_interval(secs => $3::bigint / 1000.0), claimed_by = $4
             FROM picked WHERE o.id = picked.id
           RETURNING o.id::text, o.org_id AS "orgId", o.channel, o.attempts, o.payload, o.webhook_id,
                     o.trace_parent AS "traceParent", picked.url, picked.secret, picked.sealed, picked.format
         )
         SELECT * FROM claimed ORDER BY id::bigint`,
        [options.limit, options.perWebhook, options.leaseMs, options.claimant],
      );
      return rows.map(({ webhook_id, url, secret, sealed, format, ...row }) => ({
        ...row,
        webhook: webhook_id === null ? null : { id: webhook_id, url, secret, sealedSecret: sealed, format },
      }));
    });
  }

  async delivered(id: string, claimant: string, status: number | null): Promise<void> {
    await this.db.query(
      `UPDATE alert_outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = now(),
              last_status = $3, last_error = NULL, claimed_until = NULL
        WHERE id = $1 AND claimed_by = $2 AND status = 'pending'`,
      [id, claimant, status],
    );
  }

  /** Another attempt after `retryInMs` (measured on PostgreSQL's clock): every channel retries until delivered. */
  async failedAttempt(
    id: string,
    claimant: string,
    failure: { error: string; status: number | null; retryInMs: number },
  ): Promise<void> {
    await this.db.query(
      `UPDATE alert_outbox SET attempts = attempts + 1, last_error = $3, last_status = $4, claimed_until = NULL,
              next_attempt_at = now() + make_interval(secs => $5::bigint / 1000.0)
        WHERE id = $1 AND claimed_by = $2 AND status = 'pending'`,
      [id, claimant, failure.error.slice(0, 2000), failure.status, failure.retryInMs],
    );
  }

  /** Deliveries free to send whose time has come: the oldest waiting long means delivery is stuck. */
  async dueBacklog(perWebhook: number): Promise<{ due: number; oldestDueSeconds: number }> {
    const [row]: { due: number; age: number | null }[] = await this.db.query(
      `WITH in_flight AS (${IN_FLIGHT})
       SELECT count(*)::int AS due, extract(epoch FROM now() - min(o.next_attempt_at))::float8 AS age
         FROM alert_outbox o LEFT JOIN in_flight f ON f.webhook_id = o.webhook_id
        WHERE ${SENDABLE} AND (o.webhook_id IS NULL OR coalesce(f.n, 0) < $1)`,
      [perWebhook],
    );
    return { due: row.due, oldestDueSeconds: Math.max(0, row.age ?? 0) };
  }

  /** Every pending delivery per channel, however it waits (backoff, a slow receiver, in flight). */
  async undelivered(): Promise<UndeliveredBacklog[]> {
    const rows: UndeliveredBacklog[] = await this.db.query(
      `SELECT c.channel, count(o.id)::int AS undelivered,
              coalesce(extract(epoch FROM now() - min(o.created_at)), 0)::float8 AS "oldestSeconds"
         FROM unnest(ARRAY['kafka', 'webhook']) AS c(channel)
         LEFT JOIN alert_outbox o ON o.channel = c.channel AND o.status = 'pending'
        GROUP BY c.channel ORDER BY c.channel`,
    );
    return rows.map((r) => ({ ...r, oldestSeconds: Math.max(0, r.oldestSeconds) }));
  }
}

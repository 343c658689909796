import type { AlertChanged } from '@orgpulse/contracts';
import { ADVISORY_LOCKS } from '../database/advisory-locks';
import { col, rowShape, selectOne, selectRows } from '../database/typed-sql';
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
  /** at most this many webhook deliveries (each a request of its own) */
  limit: number;
  /** at most this many Kafka deliveries (sent together, as one request); 0 for none */
  kafkaLimit: number;
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

export interface FailedAttempt {
  error: string;
  status: number | null;
  retryInMs: number;
}

const CLAIMED_DELIVERY = rowShape('claimed outbox delivery', {
  id: col.text(),
  orgId: col.text(),
  channel: col.text(),
  attempts: col.int(),
  payload: col.json(),
  webhook_id: col.nullable(col.text()),
  traceParent: col.nullable(col.text()),
  // the webhook's, when it is a webhook's delivery (null for Kafka's)
  url: col.nullable(col.text()),
  secret: col.nullable(col.text()),
  sealed: col.nullable(col.text()),
  format: col.nullable(col.text()),
});
const DELIVERED_ID = rowShape('delivered outbox id', { id: col.text() });
const OUTBOX_DUE_BACKLOG = rowShape('outbox due backlog', { due: col.int(), age: col.nullable(col.float()) });
const UNDELIVERED_BACKLOG = rowShape('undelivered backlog per channel', {
  channel: col.text(),
  undelivered: col.int(),
  oldestSeconds: col.float(),
});

/**
 * The queues with deliveries ready (pending, not waiting behind an earlier change of their alert),
 * found by skipping through the ready index one queue at a time, each with its room: a webhook's
 * in-flight limit less what is in flight (deleted webhooks have none), an org's Kafka queue its share of
 * $1 but at least KAFKA_QUEUE_MIN_ROOM (queues leased or backing off count too): a claim reads about $1
 * Kafka deliveries while few orgs wait, and 50 per org, as before batches, when many do.
 * $1: the claim's Kafka limit, $2: the in-flight limit per webhook.
 */
const KAFKA_QUEUE_MIN_ROOM = 50;
const QUEUES = `
  queues(queue) AS (
    (SELECT queue FROM alert_outbox WHERE status = 'pending' AND waits_for IS NULL ORDER BY queue LIMIT 1)
    UNION ALL
    SELECT (SELECT o.queue FROM alert_outbox o
             WHERE o.status = 'pending' AND o.waits_for IS NULL AND o.queue > q.queue ORDER BY o.queue LIMIT 1)
      FROM queues q WHERE q.queue IS NOT NULL
  ),
  rooms AS (
    SELECT q.queue, w.id AS webhook_id,
           CASE WHEN q.queue LIKE 'kafka:%'
                THEN greatest(ceil($1::int::float8 / count(*) FILTER (WHERE q.queue LIKE 'kafka:%') OVER ()),
                              least($1::int, ${KAFKA_QUEUE_MIN_ROOM}))::int
                ELSE $2::int - (SELECT count(*) FROM alert_outbox f
                                 WHERE f.webhook_id = w.id AND f.status = 'pending' AND f.claimed_until > now())::int
           END AS room
      FROM queues q
      LEFT JOIN webhooks w ON w.id = CASE WHEN q.queue LIKE 'webhook:%' THEN substr(q.queue, 9)::uuid END
     WHERE q.queue LIKE 'kafka:%' OR w.deleted_at IS NULL AND w.id IS NOT NULL
  )`;

/** A queue's ready deliveries whose time has come, live lane first, at most `limit`. */
const DUE_IN = (queue: string, limit: string) => `
  SELECT * FROM (
    (SELECT o.id, o.lane, o.next_attempt_at FROM alert_outbox o
      WHERE o.queue = ${queue} AND o.status = 'pending' AND o.waits_for IS NULL AND o.lane = 0
        AND o.next_attempt_at <= now()
      ORDER BY o.next_attempt_at, o.id LIMIT ${limit})
    UNION ALL
    (SELECT o.id, o.lane, o.next_attempt_at FROM alert_outbox o
      WHERE o.queue = ${queue} AND o.status = 'pending' AND o.waits_for IS NULL AND o.lane = 1
        AND o.next_attempt_at <= now()
      ORDER BY o.next_attempt_at, o.id LIMIT ${limit})
  ) d LIMIT ${limit}`;

/**
 * Pending deliveries, in one queue per receiver (each webhook; each org's Kafka). Claims are short
 * transactions that lease rows; sending happens outside any transaction, so a slow receiver holds no
 * connection and no lock, and delays nobody else. A lease is also the delivery's next attempt time, so
 * the index of ready deliveries holds exactly what is due and free, and a claim reads only the queues'
 * heads: its cost follows what it claims, not what is pending.
 */
export class AlertOutbox {
  constructor(private readonly db: Pick<EntityManager, 'query' | 'transaction'>) {}

  /**
   * Leases due deliveries in turns: each webhook's (and each org's Kafka) first due delivery before
   * anyone's second, so one org's backlog never queues another's behind it; within a queue, live
   * deliveries before those of alerts judged after a backfill or a sweep.
   */
  async claim(options: ClaimOptions): Promise<OutboxDelivery[]> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.alertOutboxClaim]);
      const rows = await selectRows(
        tx,
        CLAIMED_DELIVERY,
        `WITH RECURSIVE ${QUEUES},
         candidates AS (
           SELECT d.id, d.lane, d.next_attempt_at, r.room, r.webhook_id IS NULL AS kafka,
                  row_number() OVER (PARTITION BY r.queue ORDER BY d.lane, d.next_attempt_at, d.id) AS turn
             FROM rooms r CROSS JOIN LATERAL (${DUE_IN('r.queue', 'greatest(r.room, 0)')}) d
            WHERE r.room > 0
         ),
         picked AS (
           (SELECT id FROM candidates WHERE NOT kafka AND turn <= room
             ORDER BY turn, lane, next_attempt_at, id LIMIT $5)
           UNION ALL
           (SELECT id FROM candidates WHERE kafka AND turn <= room
             ORDER BY turn, lane, next_attempt_at, id LIMIT $1)
         ),
         locked AS (
           SELECT o.id FROM alert_outbox o JOIN picked p ON p.id = o.id
            WHERE o.status = 'pending' AND o.next_attempt_at <= now()
              FOR UPDATE OF o SKIP LOCKED
         ),
         claimed AS (
           UPDATE alert_outbox o
              SET claimed_until = now() + $3::float8 * interval '1 ms', claimed_by = $4,
                  next_attempt_at = now() + $3::float8 * interval '1 ms'
             FROM locked WHERE o.id = locked.id
           RETURNING o.id, o.org_id, o.channel, o.attempts, o.payload, o.webhook_id, o.trace_parent
         )
         SELECT c.id::text, c.org_id AS "orgId", c.channel, c.attempts, c.payload, c.webhook_id,
                c.trace_parent AS "traceParent", w.url, w.secret, w.secret_sealed AS sealed, w.format
           FROM claimed c LEFT JOIN webhooks w ON w.id = c.webhook_id ORDER BY c.id`,
        [options.kafkaLimit, options.perWebhook, options.leaseMs, options.claimant, options.limit],
      );
      return rows.map(({ webhook_id, url, secret, sealed, format, channel, payload, ...row }) => ({
        ...row,
        channel: channel as OutboxDelivery['channel'],
        payload: payload as AlertChanged,
        // a webhook_id always has its webhook (a foreign key; webhooks are only marked deleted)
        webhook:
          webhook_id === null || url === null || format === null
            ? null
            : {
                id: webhook_id,
                url,
                secret,
                sealedSecret: sealed,
                format: format as WebhookTarget['format'],
              },
      }));
    });
  }

  /** Delivered (a batch sent to Kafka at once, or one webhook); the next change of each alert is free. */
  async delivered(ids: string | readonly string[], claimant: string, status: number | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      const done = await selectRows(
        tx,
        DELIVERED_ID,
        `WITH done AS (
           UPDATE alert_outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = now(),
                  last_status = $3, last_error = NULL, claimed_until = NULL
            WHERE id = ANY($1::bigint[]) AND claimed_by = $2 AND status = 'pending'
            RETURNING id)
         SELECT id::text FROM done`,
        [typeof ids === 'string' ? [ids] : ids, claimant, status],
      );
      // a separate statement: it sees a change enqueued behind one of these by a round that just committed
      if (done.length > 0)
        await tx.query(`UPDATE alert_outbox SET waits_for = NULL WHERE waits_for = ANY($1::bigint[])`, [
          done.map((d) => d.id),
        ]);
    });
  }

  /** Another attempt after `retryInMs` (measured on PostgreSQL's clock): every channel retries until delivered. */
  async failedAttempt(
    ids: string | readonly string[],
    claimant: string,
    failure: FailedAttempt,
  ): Promise<void> {
    await this.db.query(
      `UPDATE alert_outbox SET attempts = attempts + 1, last_error = $3, last_status = $4, claimed_until = NULL,
              next_attempt_at = now() + $5::float8 * interval '1 ms'
        WHERE id = ANY($1::bigint[]) AND claimed_by = $2 AND status = 'pending'`,
      [
        typeof ids === 'string' ? [ids] : ids,
        claimant,
        failure.error.slice(0, 2000),
        failure.status,
        failure.retryInMs,
      ],
    );
  }

  /** Deliveries free to send whose time has come: the oldest waiting long means delivery is stuck. */
  async dueBacklog(perWebhook: number): Promise<{ due: number; oldestDueSeconds: number }> {
    const row = await selectOne(
      this.db,
      OUTBOX_DUE_BACKLOG,
      `WITH RECURSIVE ${QUEUES}
       SELECT coalesce(sum(d.n), 0)::int AS due, extract(epoch FROM now() - min(d.oldest))::float8 AS age
         FROM rooms r CROSS JOIN LATERAL (
           SELECT count(*) AS n, min(o.next_attempt_at) AS oldest FROM alert_outbox o
            WHERE o.queue = r.queue AND o.status = 'pending' AND o.waits_for IS NULL AND o.next_attempt_at <= now()) d
        WHERE r.room > 0`,
      [1, perWebhook],
    );
    return { due: row.due, oldestDueSeconds: Math.max(0, row.age ?? 0) };
  }

  /** Every pending delivery per channel, however it waits (backoff, a slow receiver, in flight). */
  async undelivered(): Promise<UndeliveredBacklog[]> {
    const rows = await selectRows(
      this.db,
      UNDELIVERED_BACKLOG,
      `SELECT c.channel, count(o.id)::int AS undelivered,
              coalesce(extract(epoch FROM now() - min(o.created_at)), 0)::float8 AS "oldestSeconds"
         FROM unnest(ARRAY['kafka', 'webhook']) AS c(channel)
         LEFT JOIN alert_outbox o ON o.channel = c.channel AND o.status = 'pending'
        GROUP BY c.channel ORDER BY c.channel`,
    );
    return rows.map((r) => ({
      ...r,
      channel: r.channel as UndeliveredBacklog['channel'],
      oldestSeconds: Math.max(0, r.oldestSeconds),
    }));
  }
}

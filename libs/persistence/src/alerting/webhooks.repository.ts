import { randomUUID } from 'node:crypto';
import type { SecretBox } from '@orgpulse/platform';
import type { EntityManager } from 'typeorm';
import { ORG_ADVISORY_LOCKS, ORG_XACT_LOCK_SQL } from '../database/advisory-locks';
import { type RowOf, col, rowShape, selectOne, selectRow, selectRows } from '../database/typed-sql';

export interface WebhookRow {
  id: string;
  url: string;
  format: 'json' | 'slack';
  createdAt: Date;
}

export interface DeliveryRow {
  id: string;
  alertId: string;
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: number;
  lastError: string | null;
  lastStatus: number | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
}

export interface NewWebhook {
  url: string;
  secret: string;
  format: 'json' | 'slack';
}

const WEBHOOK = rowShape('webhook', {
  id: col.text(),
  url: col.text(),
  format: col.text(),
  createdAt: col.date(),
});
const CLEAR_SECRET = rowShape('webhook secret in clear', { id: col.text(), secret: col.text() });
const WEBHOOKS_COUNTED = rowShape('webhooks counted', { n: col.int() });
const DELIVERY = rowShape('webhook delivery', {
  id: col.text(),
  alertId: col.text(),
  status: col.text(),
  attempts: col.int(),
  lastError: col.nullable(col.text()),
  lastStatus: col.nullable(col.int()),
  nextAttemptAt: col.date(),
  deliveredAt: col.nullable(col.date()),
});

const webhookOf = (row: RowOf<typeof WEBHOOK>): WebhookRow => ({
  ...row,
  format: row.format as WebhookRow['format'],
});

/** Rows sealed per statement when sealing what an older release stored in clear. */
const SEAL_BATCH = 500;

/**
 * Outbound webhooks registered by admins; their secrets are sealed at rest (the alerter opens them
 * to sign deliveries) and never listed.
 */
export class WebhooksRepository {
  constructor(
    private readonly db: Pick<EntityManager, 'query' | 'transaction'>,
    private readonly box: SecretBox,
  ) {}

  /** Registers the webhook unless the org already has `limit` of them: then undefined. */
  async create(orgId: string, webhook: NewWebhook, limit: number): Promise<WebhookRow | undefined> {
    return this.db.transaction(async (tx) => {
      await tx.query(ORG_XACT_LOCK_SQL, [ORG_ADVISORY_LOCKS.webhooks, orgId]);
      const id = randomUUID();
      const row = await selectRow(
        tx,
        WEBHOOK,
        `INSERT INTO webhooks (id, org_id, url, secret_sealed, format)
         SELECT $1, $2, $3, $4, $5
          WHERE (SELECT count(*) FROM webhooks WHERE org_id = $2 AND deleted_at IS NULL) < $6
         RETURNING id, url, format, created_at AS "createdAt"`,
        [id, orgId, webhook.url, this.box.seal(webhook.secret, id), webhook.format, limit],
      );
      return row === undefined ? undefined : webhookOf(row);
    });
  }

  /**
   * Seals the secrets an older release stored in clear (the migration that added sealing has no key).
   * Idempotent, and safe with several instances at once: each row is sealed once. Returns how many.
   */
  async sealClearSecrets(): Promise<number> {
    let sealed = 0;
    for (;;) {
      const rows = await selectRows(
        this.db,
        CLEAR_SECRET,
        `SELECT id, secret FROM webhooks WHERE secret IS NOT NULL ORDER BY id LIMIT $1`,
        [SEAL_BATCH],
      );
      if (rows.length === 0) return sealed;
      const updated = await selectOne(
        this.db,
        WEBHOOKS_COUNTED,
        `WITH s AS (
           UPDATE webhooks w SET secret_sealed = t.sealed, secret = NULL
             FROM unnest($1::uuid[], $2::text[]) AS t(id, sealed)
            WHERE w.id = t.id AND w.secret IS NOT NULL
           RETURNING 1)
         SELECT count(*)::int AS n FROM s`,
        [rows.map((r) => r.id), rows.map((r) => this.box.seal(r.secret, r.id))],
      );
      sealed += updated.n;
    }
  }

  async list(orgId: string): Promise<WebhookRow[]> {
    const rows = await selectRows(
      this.db,
      WEBHOOK,
      `SELECT id, url, format, created_at AS "createdAt" FROM webhooks
        WHERE org_id = $1 AND deleted_at IS NULL ORDER BY created_at`,
      [orgId],
    );
    return rows.map(webhookOf);
  }

  /** Deleted with its pending deliveries, in flight or not: nothing more is sent to it. */
  async delete(orgId: string, id: string): Promise<boolean> {
    const deleted = await selectOne(
      this.db,
      WEBHOOKS_COUNTED,
      `WITH d AS (UPDATE webhooks SET deleted_at = now() WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING id),
            c AS (UPDATE alert_outbox o SET status = 'cancelled', last_error = 'the webhook was deleted', claimed_until = NULL
                    FROM d WHERE o.webhook_id = d.id AND o.status = 'pending')
       SELECT count(*)::int AS n FROM d`,
      [orgId, id],
    );
    return deleted.n > 0;
  }

  async deliveries(orgId: string, webhookId: string, first: number): Promise<DeliveryRow[]> {
    const rows = await selectRows(
      this.db,
      DELIVERY,
      `SELECT id::text, alert_id AS "alertId", status, attempts, last_error AS "lastError", last_status AS "lastStatus",
              next_attempt_at AS "nextAttemptAt", delivered_at AS "deliveredAt"
         FROM alert_outbox WHERE org_id = $1 AND webhook_id = $2 ORDER BY id DESC LIMIT $3`,
      [orgId, webhookId, first],
    );
    return rows.map((r) => ({ ...r, status: r.status as DeliveryRow['status'] }));
  }
}

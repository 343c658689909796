import { randomUUID } from 'node:crypto';
import type { AlertChanged, AlertView } from '@orgpulse/contracts';
import type { AlertCondition } from '@orgpulse/domain';
import { traceHeaders } from '@orgpulse/platform';
import type { EntityManager } from 'typeorm';

type Tx = Pick<EntityManager, 'query'>;

const VIEW = `id, org_id AS "orgId", rule, subject_id AS "subjectId", status,
  to_char(raised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "raisedAt",
  to_char(resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "resolvedAt",
  coalesce(resolved_figures, figures) AS figures`;

export interface WebhookTarget {
  id: string;
  url: string;
  format: 'json' | 'slack';
  /** The signing secret, sealed under ORGPULSE_SECRETS_KEY with the webhook's id (WebhooksRepository). */
  sealedSecret: string | null;
  /** The secret in clear, only as an older release stored it and until an API or alerter seals it. */
  secret: string | null;
}

/** Alerts and their outbox: each change and its deliveries are written in one transaction. */
export class AlertsStore {
  constructor(private readonly tx: Tx) {}

  /** PostgreSQL's clock (the transaction's start): every alerter instance judges time by the same one. */
  async now(): Promise<number> {
    const [row]: { now: number }[] = await this.tx.query(
      `SELECT floor(extract(epoch FROM now()) * 1000)::float8 AS now`,
    );
    return row.now;
  }

  async open(orgId: string): Promise<AlertView[]> {
    return this.tx.query(`SELECT ${VIEW} FROM alerts WHERE org_id = $1 AND status = 'OPEN'`, [orgId]);
  }

  /** Opens the alert unless one is open for the rule and subject already (the unique index decides). */
  async raise(orgId: string, condition: AlertCondition, now: Date): Promise<AlertView | undefined> {
    const rows: AlertView[] = await this.tx.query(
      `INSERT INTO alerts (id, org_id, rule, subject_id, status, raised_at, figures)
       VALUES ($1, $2, $3, $4, 'OPEN', $5, $6)
       ON CONFLICT (org_id, rule, subject_id) WHERE status = 'OPEN' DO NOTHING
       RETURNING ${VIEW}`,
      [
        randomUUID(),
        orgId,
        condition.rule,
        condition.subjectId,
        now,
        JSON.stringify({ ...condition.figures, conditionSince: new Date(condition.since).toISOString() }),
      ],
    );
    return rows[0];
  }

  async resolve(alertId: string, now: Date): Promise<AlertView | undefined> {
    const rows: AlertView[] = await this.tx.query(
      `WITH r AS (UPDATE alerts SET status = 'RESOLVED', resolved_at = $2 WHERE id = $1 AND status = 'OPEN' RETURNING *)
       SELECT ${VIEW} FROM r`,
      [alertId, now],
    );
    return rows[0];
  }

  async webhooks(orgId: string): Promise<WebhookTarget[]> {
    return this.tx.query(
      `SELECT id, url, secret, secret_sealed AS "sealedSecret", format
         FROM webhooks WHERE org_id = $1 AND deleted_at IS NULL`,
      [orgId],
    );
  }

  /** One delivery per channel: the Kafka topic and every webhook of the org. */
  async enqueue(change: AlertChanged, webhooks: readonly WebhookTarget[]): Promise<void> {
    const channels: [string, string | null][] = [
      ['kafka', null],
      ...webhooks.map((w): [string, string] => ['webhook', w.id]),
    ];
    // the deliveries continue the trace of the evaluation that raised or resolved the alert, if traced
    await this.tx.query(
      `INSERT INTO alert_outbox (org_id, alert_id, channel, webhook_id, payload, trace_parent)
       SELECT $1, $2, c, w, $3, $6 FROM unnest($4::text[], $5::uuid[]) AS t(c, w)`,
      [
        change.alert.orgId,
        change.alert.id,
        JSON.stringify(change),
        channels.map((c) => c[0]),
        channels.map((c) => c[1]),
        traceHeaders().traceparent ?? null,
      ],
    );
  }
}

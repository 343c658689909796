import { randomUUID } from 'node:crypto';
import type { AlertChanged } from '@orgpulse/contracts';
import type { AlertCondition, OpenAlert } from '@orgpulse/domain';
import { type Queryable, col, rowShape, selectRows } from '../database/typed-sql';

export interface WebhookTarget {
  id: string;
  url: string;
  format: 'json' | 'slack';
  /** The signing secret, sealed under ORGPULSE_SECRETS_KEY with the webhook's id (WebhooksRepository). */
  sealedSecret: string | null;
  /** The secret in clear, only as an older release stored it and until an API or alerter seals it. */
  secret: string | null;
}

/** The outbox lane of a change: live first; bulk (judged after a backfill or a sweep) yields to it. */
export type DeliveryLane = 'live' | 'bulk';
const laneOf = (lane: DeliveryLane) => (lane === 'live' ? 0 : 1);

export interface RaiseRequest {
  orgId: string;
  condition: AlertCondition;
  lane: DeliveryLane;
  /** the W3C traceparent its deliveries continue (the judgement's, when traced) */
  traceParent?: string | null;
}

export interface ResolveRequest {
  alertId: string;
  lane: DeliveryLane;
  traceParent?: string | null;
}

export interface AlertKey {
  orgId: string;
  rule: string;
  subjectId: string;
}

const OPEN_ALERT = rowShape('open alert', {
  id: col.text(),
  orgId: col.text(),
  rule: col.text(),
  subjectId: col.text(),
  figures: col.json(),
});
const ALERT_CHANGE = rowShape('alert change', { change: col.json() });

const time = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** An alert as every channel carries it (AlertChanged), built where the alert is written. */
const CHANGE = (type: AlertChanged['type'], a: string) => `jsonb_build_object(
  'type', '${type}', 'version', 1,
  'alert', jsonb_build_object(
    'id', ${a}.id, 'orgId', ${a}.org_id, 'rule', ${a}.rule, 'subjectId', ${a}.subject_id, 'status', ${a}.status,
    'raisedAt', ${time(`${a}.raised_at`)}, 'resolvedAt', ${time(`${a}.resolved_at`)},
    'figures', coalesce(${a}.resolved_figures, ${a}.figures)))`;

/**
 * One delivery per channel of each change: the org's Kafka queue and every webhook of the org; a later
 * change of an alert waits for the earlier one still pending on the same queue (locked FOR SHARE, so a
 * sender finishing it at this moment releases this one once committed).
 */
const ENQUEUE = `
  channels AS (
    SELECT c.id AS alert_id, c.org_id, c.lane, c.trace_parent, c.change, ch.channel, ch.webhook_id, ch.queue
      FROM changes c CROSS JOIN LATERAL (
        SELECT 'kafka' AS channel, NULL::uuid AS webhook_id, 'kafka:' || c.org_id::text AS queue
        UNION ALL
        SELECT 'webhook', w.id, 'webhook:' || w.id::text FROM webhooks w
         WHERE w.org_id = c.org_id AND w.deleted_at IS NULL) ch
  ),
  earlier AS (
    SELECT e.id, e.alert_id, e.queue FROM alert_outbox e JOIN changes c ON e.alert_id = c.id
     WHERE e.status = 'pending' FOR SHARE OF e
  ),
  enqueued AS (
    INSERT INTO alert_outbox (org_id, alert_id, channel, webhook_id, payload, lane, trace_parent, waits_for)
    SELECT ch.org_id, ch.alert_id, ch.channel, ch.webhook_id, ch.change, ch.lane, ch.trace_parent,
           (SELECT max(e.id) FROM earlier e WHERE e.alert_id = ch.alert_id AND e.queue = ch.queue)
      FROM channels ch ORDER BY ch.alert_id, ch.queue
  )
  SELECT change FROM changes`;

/**
 * Alerts and their outbox: a round's changes and all their deliveries are written in a few set-based
 * statements, whatever their number, in the round's transaction.
 */
export class AlertsStore {
  constructor(private readonly tx: Queryable) {}

  /** The open alerts of these rules and subjects (the unique index on open alerts finds each). */
  async openFor(keys: readonly AlertKey[]): Promise<(OpenAlert & { orgId: string })[]> {
    if (keys.length === 0) return [];
    const rows = await selectRows(
      this.tx,
      OPEN_ALERT,
      `SELECT a.id, k.org_id AS "orgId", k.rule, k.subject_id AS "subjectId", a.figures
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS k(org_id, rule, subject_id)
         CROSS JOIN LATERAL (
           SELECT a.id, a.figures FROM alerts a
            WHERE a.org_id = k.org_id AND a.rule = k.rule AND a.subject_id = k.subject_id AND a.status = 'OPEN'
            LIMIT 1) a`,
      [keys.map((k) => k.orgId), keys.map((k) => k.rule), keys.map((k) => k.subjectId)],
    );
    return rows.map((r) => ({ ...r, figures: r.figures as OpenAlert['figures'] }));
  }

  /** Opens each alert unless one is open for its rule and subject already (the unique index decides). */
  async raiseAll(requests: readonly RaiseRequest[], now: Date): Promise<AlertChanged[]> {
    if (requests.length === 0) return [];
    const rows = await selectRows(
      this.tx,
      ALERT_CHANGE,
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::smallint[],
                              $8::text[]) AS i(id, org_id, rule, subject_id, figures, lane, trace_parent)
       ),
       raised AS (
         INSERT INTO alerts (id, org_id, rule, subject_id, status, raised_at, figures)
         SELECT id, org_id, rule, subject_id, 'OPEN', $7, figures FROM input
         ON CONFLICT (org_id, rule, subject_id) WHERE status = 'OPEN' DO NOTHING
         RETURNING *
       ),
       changes AS (
         SELECT r.id, r.org_id, i.lane, i.trace_parent, ${CHANGE('alert.raised', 'r')} AS change
           FROM raised r JOIN input i ON i.id = r.id
       ),
       ${ENQUEUE}`,
      [
        requests.map(() => randomUUID()),
        requests.map((r) => r.orgId),
        requests.map((r) => r.condition.rule),
        requests.map((r) => r.condition.subjectId),
        requests.map((r) =>
          JSON.stringify({
            ...r.condition.figures,
            conditionSince: new Date(r.condition.since).toISOString(),
          }),
        ),
        requests.map((r) => laneOf(r.lane)),
        now,
        requests.map((r) => r.traceParent ?? null),
      ],
    );
    return rows.map((r) => r.change as AlertChanged);
  }

  async resolveAll(requests: readonly ResolveRequest[], now: Date): Promise<AlertChanged[]> {
    if (requests.length === 0) return [];
    const rows = await selectRows(
      this.tx,
      ALERT_CHANGE,
      `WITH input AS (SELECT * FROM unnest($1::uuid[], $2::smallint[], $4::text[]) AS i(id, lane, trace_parent)),
       resolved AS (
         UPDATE alerts a SET status = 'RESOLVED', resolved_at = $3
           FROM input i WHERE a.id = i.id AND a.status = 'OPEN'
         RETURNING a.*
       ),
       changes AS (
         SELECT r.id, r.org_id, i.lane, i.trace_parent, ${CHANGE('alert.resolved', 'r')} AS change
           FROM resolved r JOIN input i ON i.id = r.id
       ),
       ${ENQUEUE}`,
      [
        requests.map((r) => r.alertId),
        requests.map((r) => laneOf(r.lane)),
        now,
        requests.map((r) => r.traceParent ?? null),
      ],
    );
    return rows.map((r) => r.change as AlertChanged);
  }
}

import { type Queryable, col, rowShape, selectOne, selectRows } from '../database/typed-sql';

/** A rule and subject claimed for judging; bulk: only a backfill's or a sweep's change made it due. */
export interface WatchItem {
  orgId: string;
  rule: string;
  subjectId: string;
  bulk: boolean;
}

export interface WatchClaim {
  /** PostgreSQL's clock (the transaction's start), in ms: every alerter judges time by the same one */
  now: number;
  items: WatchItem[];
}

export interface JudgedItem {
  orgId: string;
  rule: string;
  subjectId: string;
  /** when to judge again with no new event (its threshold falls due); null: only on a change */
  dueAt: number | null;
}

const CLAIMED_WATCH = rowShape('claimed watch item', {
  orgId: col.text(),
  rule: col.text(),
  subjectId: col.text(),
  now: col.float(),
});
const NEXT_DUE = rowShape('next watch due', { ms: col.nullable(col.float()) });
const WATCH_DUE_BACKLOG = rowShape('watch due backlog', {
  due: col.int(),
  age: col.nullable(col.float()),
  bulkAge: col.nullable(col.float()),
  sweeps: col.int(),
});

const CLAIM = (column: 'live_at' | 'bulk_at') => `
  WITH c AS (
    SELECT org_id, rule, subject_id FROM alert_watch
     WHERE ${column} <= now() ORDER BY ${column} LIMIT $1 FOR UPDATE SKIP LOCKED)
  SELECT org_id AS "orgId", rule, subject_id AS "subjectId", floor(extract(epoch FROM now()) * 1000)::float8 AS now
    FROM c`;

/**
 * The rules and subjects to judge: changed by the projector, or whose threshold falls due. A round claims
 * them through an index (live work first: live changes and due thresholds; then bulk work: old events
 * once settled, sweeps) with FOR UPDATE SKIP LOCKED, so alerter instances share them and each rule and
 * subject is judged by one at a time, and a projector marking it again waits for that judgement to commit.
 */
export class AlertWatch {
  constructor(private readonly tx: Queryable) {}

  /** Up to `limit` rules and subjects, of which at most `bulkLimit` bulk ones (live work first). */
  async claim(limit: number, bulkLimit = limit): Promise<WatchClaim> {
    const live = await selectRows(this.tx, CLAIMED_WATCH, CLAIM('live_at'), [limit]);
    const room = Math.min(limit - live.length, bulkLimit);
    const bulk = room > 0 ? await selectRows(this.tx, CLAIMED_WATCH, CLAIM('bulk_at'), [room]) : [];
    const items = new Map<string, WatchItem>();
    for (const [rows, isBulk] of [
      [live, false],
      [bulk, true],
    ] as const)
      for (const { orgId, rule, subjectId } of rows) {
        const key = `${orgId}/${rule}/${subjectId}`;
        if (!items.has(key)) items.set(key, { orgId, rule, subjectId, bulk: isBulk });
      }
    return { now: live[0]?.now ?? bulk[0]?.now ?? Date.now(), items: [...items.values()] };
  }

  /** Records each judgement: its next due time, and the change it judged as done (a later one stays). */
  async complete(judged: readonly JudgedItem[]): Promise<void> {
    if (judged.length === 0) return;
    await this.tx.query(
      `UPDATE alert_watch w
          SET due_at = u.due_at,
              change_bulk = CASE WHEN w.change_at <= now() THEN false ELSE w.change_bulk END,
              change_first_at = CASE WHEN w.change_at <= now() THEN NULL ELSE w.change_first_at END,
              change_at = CASE WHEN w.change_at <= now() THEN NULL ELSE w.change_at END
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::float8[])
              AS v(org_id, rule, subject_id, due_ms)
         CROSS JOIN LATERAL (SELECT to_timestamp(v.due_ms / 1000.0) AS due_at) u
        WHERE w.org_id = v.org_id AND w.rule = v.rule AND w.subject_id = v.subject_id`,
      [
        judged.map((j) => j.orgId),
        judged.map((j) => j.rule),
        judged.map((j) => j.subjectId),
        judged.map((j) => j.dueAt),
      ],
    );
  }

  /** How long until the next rule and subject falls due (≤ 0: due now), or null when nothing waits. */
  async nextDueInMs(): Promise<number | null> {
    const row = await selectOne(
      this.tx,
      NEXT_DUE,
      `SELECT extract(epoch FROM least(
                (SELECT min(live_at) FROM alert_watch WHERE live_at IS NOT NULL),
                (SELECT min(bulk_at) FROM alert_watch WHERE bulk_at IS NOT NULL)) - now())::float8 * 1000 AS ms`,
    );
    return row.ms;
  }

  /**
   * Live judgements due and not yet made (waiting long means evaluation is stuck), and the bulk work
   * waiting behind them: how long the oldest of a backfill's or a sweep's judgements due has waited (its
   * index's first entry: no count of a bulk lane that may hold hundreds of thousands), and the orgs whose
   * sweep is still marking its pages.
   */
  async dueBacklog(): Promise<{
    due: number;
    oldestDueSeconds: number;
    oldestBulkSeconds: number;
    sweeps: number;
  }> {
    const row = await selectOne(
      this.tx,
      WATCH_DUE_BACKLOG,
      `SELECT count(*)::int AS due, extract(epoch FROM now() - min(live_at))::float8 AS age,
              extract(epoch FROM now() - (SELECT min(bulk_at) FROM alert_watch WHERE bulk_at IS NOT NULL))::float8
                AS "bulkAge",
              (SELECT count(*) FROM alert_sweeps)::int AS sweeps
         FROM alert_watch WHERE live_at <= now()`,
    );
    return {
      due: row.due,
      oldestDueSeconds: Math.max(0, row.age ?? 0),
      oldestBulkSeconds: Math.max(0, row.bulkAge ?? 0),
      sweeps: row.sweeps,
    };
  }
}

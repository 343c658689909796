import { type Queryable, col, rowShape, selectOne, selectRows } from '../database/typed-sql';

/** A rule and subject claimed for judging; bulk: only a backfill's or a sweep's change made it due. */
export interface WatchItem {
  orgId: string;
  rule: string;
  subjectId: string;
  bulk: boolean;
  /** when it fell due (ms): a claim given back keeps its place and its age */
  dueSince: number;
}

type WatchKey = Pick<WatchItem, 'orgId' | 'rule' | 'subjectId'>;
const keyOf = (k: WatchKey) => `${k.orgId}/${k.rule}/${k.subjectId}`;
const keysOf = (keys: readonly WatchKey[]) => [
  keys.map((k) => k.orgId),
  keys.map((k) => k.rule),
  keys.map((k) => k.subjectId),
];

export interface WatchClaim {
  /** PostgreSQL's clock (the claim's transaction's start), in ms: every alerter judges time by the same one */
  now: number;
  items: WatchItem[];
  /** the claim's lease (its end, as PostgreSQL wrote it): only the claim holding it completes or releases */
  lease: string | null;
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
  lease: col.text(),
  dueSince: col.float(),
});
const WATCH_KEY = rowShape('watch key', { orgId: col.text(), rule: col.text(), subjectId: col.text() });
const LOST = rowShape('claim lost', { lost: col.int() });
const NEXT_DUE = rowShape('next watch due', { ms: col.nullable(col.float()) });
const WATCH_DUE_BACKLOG = rowShape('watch due backlog', {
  due: col.int(),
  age: col.nullable(col.float()),
  bulkAge: col.nullable(col.float()),
  sweeps: col.int(),
});

/** How long a claim is held for its judgement: past it, an alerter gone mid-round has its work due again. */
export const WATCH_CLAIM_LEASE_MS = 30_000;

// The change and the due time move into the claim: a mark made while it is judged is a new change. A rule
// and subject under another claim's lease waits for it (one judgement at a time), a lease that ended does not.
const CLAIM = (column: 'live_at' | 'bulk_at') => `
  WITH c AS (
    SELECT org_id, rule, subject_id, ${column} AS due FROM alert_watch
     WHERE ${column} <= now() AND (claimed_until IS NULL OR claimed_until <= now())
     ORDER BY ${column} LIMIT $1 FOR UPDATE SKIP LOCKED),
  u AS (
    UPDATE alert_watch w
       SET claimed_until = now() + $2::float8 * interval '1 ms', claimed_bulk = ${column === 'bulk_at'},
           due_at = NULL, change_at = NULL, change_first_at = NULL, change_bulk = false
      FROM c
     WHERE (w.org_id, w.rule, w.subject_id) = (c.org_id, c.rule, c.subject_id)
    RETURNING w.org_id AS "orgId", w.rule, w.subject_id AS "subjectId",
              floor(extract(epoch FROM now()) * 1000)::float8 AS now, w.claimed_until::text AS lease,
              extract(epoch FROM c.due)::float8 * 1000 AS "dueSince")
  SELECT * FROM u`;

/** A judgement's rules and subjects were claimed again by another round: what it decided is stale. */
export class WatchClaimLostError extends Error {
  constructor(readonly lost: number) {
    super(`${lost} rules and subjects judged were claimed by another round once this claim's lease ended`);
    this.name = 'WatchClaimLostError';
  }
}

/**
 * The rules and subjects to judge: changed by the projector, or whose threshold falls due. A round claims
 * them through an index (live work first: live changes and due thresholds; then bulk work: old events
 * once settled, sweeps) with FOR UPDATE SKIP LOCKED, so alerter instances share them; the claim is a lease
 * committed before the judgement, so each rule and subject is judged by one at a time and a projector
 * marking it again meanwhile never waits for that judgement.
 */
export class AlertWatch {
  constructor(private readonly tx: Queryable) {}

  /**
   * Up to `limit` rules and subjects, of which at most `bulkLimit` bulk ones (live work first), leased
   * for `leaseMs`. Commit it before judging: the lease, not a lock, keeps other rounds off them.
   */
  async claim(limit: number, bulkLimit = limit, leaseMs = WATCH_CLAIM_LEASE_MS): Promise<WatchClaim> {
    const live = await selectRows(this.tx, CLAIMED_WATCH, CLAIM('live_at'), [limit, leaseMs]);
    const room = Math.min(limit - live.length, bulkLimit);
    const bulk = room > 0 ? await selectRows(this.tx, CLAIMED_WATCH, CLAIM('bulk_at'), [room, leaseMs]) : [];
    const itemOf = (r: (typeof live)[number], isBulk: boolean): WatchItem => ({
      orgId: r.orgId,
      rule: r.rule,
      subjectId: r.subjectId,
      bulk: isBulk,
      dueSince: r.dueSince,
    });
    const first = live[0] ?? bulk[0];
    return {
      now: first?.now ?? Date.now(),
      items: [...live.map((r) => itemOf(r, false)), ...bulk.map((r) => itemOf(r, true))],
      lease: first?.lease ?? null,
    };
  }

  /**
   * Records each judgement of the claim (in the judgement's transaction, last): its next due time; the
   * claim ends. Never waits: the rules and subjects a projector holds now (marking them again) are given
   * back, for `completeHeld` once this transaction committed. Throws WatchClaimLostError, for the
   * transaction to roll back, when another round claimed some of them since (this lease had ended).
   */
  async complete(claim: WatchClaim, judged: readonly JudgedItem[]): Promise<JudgedItem[]> {
    if (judged.length === 0 || claim.lease === null) return [];
    const written = await selectRows(
      this.tx,
      WATCH_KEY,
      `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::float8[])
                    AS v(org_id, rule, subject_id, due_ms)),
       mine AS (
         SELECT w.org_id, w.rule, w.subject_id, v.due_ms FROM alert_watch w
           JOIN v ON (w.org_id, w.rule, w.subject_id) = (v.org_id, v.rule, v.subject_id)
          WHERE w.claimed_until = $5::timestamptz
            FOR UPDATE OF w SKIP LOCKED),
       u AS (
         UPDATE alert_watch w SET due_at = to_timestamp(m.due_ms / 1000.0), claimed_until = NULL
           FROM mine m WHERE (w.org_id, w.rule, w.subject_id) = (m.org_id, m.rule, m.subject_id)
         RETURNING w.org_id AS "orgId", w.rule, w.subject_id AS "subjectId")
       SELECT * FROM u`,
      [...keysOf(judged), judged.map((j) => j.dueAt), claim.lease],
    );
    const done = new Set(written.map(keyOf));
    const held = judged.filter((j) => !done.has(keyOf(j)));
    if (held.length === 0) return held;
    // the rows written are this claim's until the commit; one not written may have been claimed again
    const { lost } = await selectOne(
      this.tx,
      LOST,
      `SELECT count(*)::int AS lost FROM alert_watch w
         JOIN unnest($1::uuid[], $2::text[], $3::text[]) AS v(org_id, rule, subject_id)
           ON (w.org_id, w.rule, w.subject_id) = (v.org_id, v.rule, v.subject_id)
        WHERE w.claimed_until IS DISTINCT FROM $4::timestamptz`,
      [...keysOf(held), claim.lease],
    );
    if (lost > 0) throw new WatchClaimLostError(lost);
    return held;
  }

  /**
   * Completes what `complete` gave back, one rule and subject at a time, each waiting for the projector's
   * transaction that holds it (holding no other row meanwhile, it cannot deadlock with one).
   */
  async completeHeld(claim: WatchClaim, held: readonly JudgedItem[]): Promise<void> {
    for (const item of held)
      await this.tx.query(
        `UPDATE alert_watch SET due_at = to_timestamp($4::float8 / 1000.0), claimed_until = NULL
          WHERE org_id = $1 AND rule = $2 AND subject_id = $3 AND claimed_until = $5::timestamptz`,
        [item.orgId, item.rule, item.subjectId, item.dueAt, claim.lease],
      );
  }

  /**
   * Gives a claim back unjudged (its judgement failed): each rule and subject is due again as it was (its
   * time and its lane, a live change made since going first), one at a time like `completeHeld`.
   */
  async release(claim: WatchClaim): Promise<void> {
    for (const item of claim.items)
      await this.tx.query(
        `UPDATE alert_watch
            SET claimed_until = NULL, claimed_bulk = false,
                change_bulk = CASE WHEN change_at IS NULL THEN $4::boolean ELSE change_bulk AND $4::boolean END,
                change_first_at = least(coalesce(change_first_at, to_timestamp($5::float8 / 1000.0)),
                                        to_timestamp($5::float8 / 1000.0)),
                change_at = least(coalesce(change_at, to_timestamp($5::float8 / 1000.0)),
                                  to_timestamp($5::float8 / 1000.0))
          WHERE org_id = $1 AND rule = $2 AND subject_id = $3 AND claimed_until = $6::timestamptz`,
        [item.orgId, item.rule, item.subjectId, item.bulk, item.dueSince, claim.lease],
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

import { randomUUID } from 'node:crypto';
import { teamReadModel } from '@orgpulse/domain';
import {
  AlertWatch,
  OrgSettingsRepository,
  type JudgedItem,
  type WatchClaim,
  WatchClaimLostError,
  connectDatabase,
  rebuildProjections,
  recordReadModelVersions,
} from '@orgpulse/persistence';
import { TestDatabase, acceptedEventBuilder, eventually, projectEvents } from '@orgpulse/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { OutboxBacklog } from '../health/outbox-backlog';
import { EvaluateAlertsHandler, type EvaluationOutcome } from './evaluate-alerts.handler';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Rounds by change and by due time on a real PostgreSQL, with the projector's marks. */
describe('alert rounds: what changed or fell due, and nothing else', () => {
  let testDb: TestDatabase;
  let db: DataSource;
  const handler = (roundSize = 500, sweepPageSize = 1_000) =>
    new EvaluateAlertsHandler(db, { roundSize, sweepPageSize });

  const newOrg = async () => {
    const id = randomUUID();
    await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'rounds')`, [id]);
    return id;
  };
  const event = acceptedEventBuilder('e');
  const team = (orgId: string, teamId: string, at: number) =>
    event(orgId, 'team.registered', at, { teamId, name: teamId, headcount: 5 });
  const block = (orgId: string, teamId: string, at: number) =>
    event(orgId, 'team.blocked', at, { teamId, reason: 'dependency' });
  const person = (orgId: string, personId: string, managerId: string | null, at: number) =>
    event(orgId, 'person.registered', at, { personId, role: 'engineer', managerId });
  const dbNow = async () => (await db.query<{ now: Date }[]>(`SELECT now() AS now`))[0].now.getTime();
  /** Old events are judged once settled: the settle time is passed over here. */
  const settled = () => db.query(`UPDATE alert_watch SET change_at = now() WHERE change_at > now()`);
  const rounds = async (h = handler()): Promise<EvaluationOutcome & { rounds: number }> => {
    const total = { judged: 0, bulk: 0, raised: 0, resolved: 0, full: false, rounds: 0 };
    for (;;) {
      const outcome = await h.round();
      if (outcome.judged === 0) return total;
      total.rounds += 1;
      total.judged += outcome.judged;
      total.bulk += outcome.bulk;
      total.raised += outcome.raised;
      total.resolved += outcome.resolved;
    }
  };
  const open = (orgId: string) =>
    db.query<{ rule: string; subject_id: string }[]>(
      `SELECT rule, subject_id FROM alerts WHERE org_id = $1 AND status = 'OPEN' ORDER BY rule, subject_id`,
      [orgId],
    );
  const judgedBy = async (work: () => Promise<unknown>) => {
    await work();
    return db.query<{ rule: string; subject_id: string }[]>(
      `SELECT rule, subject_id FROM alert_watch WHERE live_at <= now() OR bulk_at <= now() ORDER BY rule, subject_id`,
    );
  };

  beforeAll(async () => {
    testDb = await TestDatabase.create('rounds');
    db = await connectDatabase({ url: testDb.url, startupTimeoutMs: 5_000 });
    await recordReadModelVersions(db.manager);
  });
  beforeEach(async () => {
    await settled();
    await rounds();
  });
  afterAll(async () => {
    await db.destroy();
    await testDb.drop();
  });

  it('a live change is judged at once, and only its rules and subject', async () => {
    const orgId = await newOrg();
    const now = await dbNow();
    await projectEvents(
      db,
      Array.from({ length: 50 }, (_, i) => team(orgId, `t${i}`, now)),
    );
    expect(await rounds()).toMatchObject({ judged: 150, raised: 0 }); // three rules each, none holding yet

    const due = await judgedBy(() => projectEvents(db, [block(orgId, 't7', now)]));
    expect(due).toEqual(
      ['DISCOVERY_LAPSED', 'TEAM_IDLE', 'TEAM_STALLED'].map((rule) => ({ rule, subject_id: 't7' })),
    );
    expect(await rounds()).toMatchObject({ judged: 3 });
    const [idle] = await db.query<{ due_at: Date }[]>(
      `SELECT due_at FROM alert_watch WHERE org_id = $1 AND rule = 'TEAM_IDLE' AND subject_id = 't7'`,
      [orgId],
    );
    expect(idle.due_at.getTime()).toBe(now + 48 * HOUR); // falls due when its 48 h are up
  });

  it('a report moving to another manager re-judges both managers’ overload and the report’s 1:1s', async () => {
    const orgId = await newOrg();
    const now = await dbNow();
    await projectEvents(
      db,
      Array.from({ length: 13 }, (_, i) => person(orgId, `p${i}`, 'mia', now)),
    );
    expect(await rounds()).toMatchObject({ raised: 1 });
    expect(await open(orgId)).toEqual([{ rule: 'MANAGER_OVERLOADED', subject_id: 'mia' }]);

    const due = await judgedBy(() =>
      projectEvents(db, [event(orgId, 'person.manager-changed', now, { personId: 'p3', managerId: 'max' })]),
    );
    expect(due).toEqual([
      { rule: 'MANAGER_OVERLOADED', subject_id: 'max' },
      { rule: 'MANAGER_OVERLOADED', subject_id: 'mia' },
      { rule: 'ONE_ON_ONE_OVERDUE', subject_id: 'p3' },
    ]);
    expect(await rounds()).toMatchObject({ judged: 3, resolved: 1 });
    expect(await open(orgId)).toEqual([]);
  });

  it('a late move (the report re-folded from its history) re-judges the manager it left, as stored', async () => {
    const orgId = await newOrg();
    const now = await dbNow();
    await projectEvents(
      db,
      Array.from({ length: 13 }, (_, i) => person(orgId, `q${i}`, 'mia', now - 10 * DAY)),
    );
    await projectEvents(db, [
      event(orgId, 'person.registered', now - DAY, { personId: 'q0', role: 'pm' }), // a later event of q0
    ]);
    await settled();
    expect(await rounds()).toMatchObject({ raised: 1 });

    // dated before q0's latest event: q0 is re-folded, its head before this batch is what is stored
    await projectEvents(db, [
      event(orgId, 'person.manager-changed', now - 5 * DAY, { personId: 'q0', managerId: 'max' }),
    ]);
    await settled();
    expect(await rounds()).toMatchObject({ judged: 3, resolved: 1 });
    expect(await open(orgId)).toEqual([]);
  });

  it('a 1:1 re-judges the report’s overdue rule and resolves it', async () => {
    const orgId = await newOrg();
    const now = await dbNow();
    await projectEvents(db, [
      person(orgId, 'ann', 'mia', now - 20 * DAY),
      person(orgId, 'bo', 'mia', now - 20 * DAY),
    ]);
    await settled();
    expect(await rounds()).toMatchObject({ raised: 2 });

    const due = await judgedBy(() =>
      projectEvents(db, [event(orgId, 'one-on-one.held', now, { managerId: 'mia', reportId: 'ann' })]),
    );
    expect(due).toEqual([{ rule: 'ONE_ON_ONE_OVERDUE', subject_id: 'ann' }]);
    expect(await rounds()).toMatchObject({ judged: 1, resolved: 1 });
    expect(await open(orgId)).toEqual([{ rule: 'ONE_ON_ONE_OVERDUE', subject_id: 'bo' }]);
  });

  it('time passing with no event opens the alert when its threshold falls due', async () => {
    const orgId = await newOrg();
    const now = await dbNow();
    await projectEvents(db, [
      team(orgId, 'late', now - 48 * HOUR + 2_000),
      block(orgId, 'late', now - 48 * HOUR + 2_000),
    ]);
    await settled();
    expect(await rounds()).toMatchObject({ raised: 0 });
    const h = handler();
    expect(await h.nextDueInMs()).toBeLessThanOrEqual(2_000);
    await eventually(
      async () => {
        await rounds(h);
        expect(await open(orgId)).toEqual([{ rule: 'TEAM_IDLE', subject_id: 'late' }]);
      },
      { timeoutMs: 10_000, intervalMs: 250 },
    );
  });

  it('an org’s settings change re-judges its subjects, a page at a time', async () => {
    const orgId = await newOrg();
    const now = await dbNow();
    await projectEvents(
      db,
      Array.from({ length: 30 }, (_, i) => [
        team(orgId, `b${i}`, now - 10 * HOUR),
        block(orgId, `b${i}`, now - 10 * HOUR),
      ]).flat(),
    );
    await settled();
    expect(await rounds()).toMatchObject({ raised: 0 }); // blocked 10 h: not idle at 48 h

    await new OrgSettingsRepository(db).update(orgId, { teamIdleHours: 5 });
    const h = handler(500, 7);
    let pages = 0;
    while (await h.sweepStep()) pages += 1;
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(30 / 7));
    expect(await rounds(h)).toMatchObject({ raised: 30 });
    expect(await db.query(`SELECT * FROM alert_sweeps WHERE org_id = $1`, [orgId])).toEqual([]);
  });

  it('a round takes at most its bulk share of settled old events, ahead of which live work goes', async () => {
    const orgId = await newOrg();
    const now = await dbNow();
    await projectEvents(
      db,
      Array.from({ length: 30 }, (_, i) => [
        team(orgId, `o${i}`, now - 3 * DAY),
        block(orgId, `o${i}`, now - 3 * DAY),
      ]).flat(),
    );
    await settled();
    await projectEvents(db, [team(orgId, 'live', now), block(orgId, 'live', now)]);
    const h = new EvaluateAlertsHandler(db, { roundSize: 500, bulkRoundSize: 10, sweepPageSize: 1_000 });
    // the live team's rules and 10 of the old teams' (a few rules each)
    const first = await h.round();
    expect(first).toMatchObject({ full: true, bulk: 10 });
    expect(first.judged).toBeGreaterThan(10);
    const [{ live }] = await db.query<{ live: number }[]>(
      `SELECT count(*)::int AS live FROM alert_watch WHERE org_id = $1 AND live_at <= now()`,
      [orgId],
    );
    expect(live).toBe(0);
    const second = await h.round();
    expect(second).toMatchObject({ judged: 10, bulk: 10, full: true });
    // while live work flows the scheduler asks for a part of the bulk share: a fifth of 10
    expect(await h.round(0.2)).toMatchObject({ judged: 2, bulk: 2, full: true });
    const rest = await rounds(h);
    expect(rest.raised).toBe(30); // blocked three days: idle, once each
  });

  it('two alerters judging at once raise each alert once, with one delivery per channel', async () => {
    const orgId = await newOrg();
    const now = await dbNow();
    await projectEvents(
      db,
      Array.from({ length: 200 }, (_, i) => [
        team(orgId, `i${i}`, now - 72 * HOUR),
        block(orgId, `i${i}`, now - 72 * HOUR),
      ]).flat(),
    );
    await settled();
    const [a, b] = [handler(20), handler(20)];
    const [byA, byB] = await Promise.all([rounds(a), rounds(b)]);
    expect(byA.rounds).toBeGreaterThan(0);
    expect(byB.rounds).toBeGreaterThan(0); // both took their share
    const [counts] = await db.query<{ alerts: number; open: number; kafka: number }[]>(
      `SELECT count(DISTINCT a.id)::int AS alerts, count(DISTINCT a.id) FILTER (WHERE a.status = 'OPEN')::int AS open,
              count(o.id) FILTER (WHERE o.channel = 'kafka')::int AS kafka
         FROM alerts a LEFT JOIN alert_outbox o ON o.alert_id = a.id
        WHERE a.org_id = $1 AND a.rule = 'TEAM_IDLE'`,
      [orgId],
    );
    expect(counts).toEqual({ alerts: 200, open: 200, kafka: 200 });
  });

  it('old events wait for their subject to settle; a live one is judged at once, ahead of them', async () => {
    const orgId = await newOrg();
    const now = await dbNow();
    await projectEvents(db, [team(orgId, 'old', now - 300 * DAY), block(orgId, 'old', now - 300 * DAY)]);
    const [pending] = await db.query<{ bulk: boolean; in_ms: number }[]>(
      `SELECT change_bulk AS bulk, extract(epoch FROM change_at - now())::float8 * 1000 AS in_ms
         FROM alert_watch WHERE org_id = $1 AND subject_id = 'old' AND rule = 'TEAM_IDLE'`,
      [orgId],
    );
    expect(pending.bulk).toBe(true);
    expect(pending.in_ms).toBeGreaterThan(5_000); // judged after the settle time, not at this batch
    await projectEvents(db, [
      team(orgId, 'live', now),
      event(orgId, 'delivery.shipped', now, { teamId: 'live' }),
    ]);
    expect(await handler().round()).toMatchObject({ judged: 3 }); // the live team's rules only

    await settled();
    expect(await rounds()).toMatchObject({ judged: 3, raised: 2 }); // idle and lapsed; blocked, so not stalled
    const lanes = await db.query<{ lane: number }[]>(
      `SELECT DISTINCT o.lane FROM alert_outbox o JOIN alerts a ON a.id = o.alert_id WHERE a.org_id = $1`,
      [orgId],
    );
    expect(lanes).toEqual([{ lane: 1 }]); // their deliveries yield to live ones
  });

  it('after the read models were rebuilt every org is swept; while they are stale nothing is judged', async () => {
    const orgId = await newOrg();
    const now = await dbNow();
    await projectEvents(db, [team(orgId, 'rebuilt', now)]);
    await rounds();
    // the projector's rebuild: fresh tables swapped in, projection_generation moved, versions recorded
    await rebuildProjections(db);
    const h = handler();
    // what /metrics shows an operator of the sweep's progress (_sweeping_orgs, _oldest_bulk_judgement_seconds)
    const backlog = () => new OutboxBacklog(db, 2).read();
    expect(await h.sweepStep()).toBe(true);
    expect(await db.query(`SELECT 1 FROM alert_sweeps WHERE org_id = $1`, [orgId])).toHaveLength(1);
    expect((await backlog())?.sweepingOrgs).toBeGreaterThanOrEqual(1);
    while (await h.sweepStep());
    expect(await db.query(`SELECT 1 FROM alert_sweeps`)).toEqual([]);
    expect(await backlog()).toMatchObject({ sweepingOrgs: 0 });
    expect((await backlog())?.oldestBulkJudgementSeconds).toBeGreaterThan(0); // marked due at once
    // the team judged before the rebuild is to be judged again, from the rebuilt heads (bulk lane)
    const marked = await db.query<{ rule: string }[]>(
      `SELECT rule FROM alert_watch WHERE org_id = $1 AND subject_id = 'rebuilt' AND bulk_at <= now() ORDER BY rule`,
      [orgId],
    );
    expect(marked.map((r) => r.rule)).toEqual(['DISCOVERY_LAPSED', 'TEAM_IDLE', 'TEAM_STALLED']);
    expect((await rounds()).judged).toBeGreaterThanOrEqual(3);
    expect(await backlog()).toMatchObject({
      sweepingOrgs: 0,
      oldestBulkJudgementSeconds: 0,
      dueJudgements: 0,
    });
    expect(await h.sweepStep()).toBe(false); // once per rebuild

    await db.query(`UPDATE read_model_versions SET version = version + 100 WHERE name = $1`, [
      teamReadModel.name,
    ]);
    expect(await h.headsReady()).toBe(false);
    await recordReadModelVersions(db.manager);
    expect(await h.headsReady()).toBe(true);
  });

  describe('marks write a row version only when they change what is to be judged', () => {
    /** Each rule's row version (a new one per write) and what it waits for. */
    const watched = (orgId: string, subjectId: string) =>
      db.query<{ rule: string; version: string; live: boolean; bulk: boolean; in_ms: number | null }[]>(
        `SELECT rule, ctid::text || '/' || xmin::text AS version, live_at <= now() AS live,
                change_bulk AS bulk, extract(epoch FROM change_at - now())::float8 * 1000 AS in_ms
           FROM alert_watch WHERE org_id = $1 AND subject_id = $2 ORDER BY rule`,
        [orgId, subjectId],
      );
    const versions = async (orgId: string, subjectId: string) =>
      (await watched(orgId, subjectId)).map((r) => r.version);
    const shipped = (orgId: string, teamId: string, at: number) =>
      event(orgId, 'delivery.shipped', at, { teamId });

    it('a live change already waiting is not written again; once judged, the next one is', async () => {
      const orgId = await newOrg();
      const now = await dbNow();
      await projectEvents(db, [team(orgId, 'busy', now)]);
      const first = await versions(orgId, 'busy');
      expect(first).toHaveLength(3);

      await projectEvents(db, [shipped(orgId, 'busy', now + 1)]);
      await projectEvents(db, [block(orgId, 'busy', now + 2)]);
      expect(await versions(orgId, 'busy')).toEqual(first);

      expect(await rounds()).toMatchObject({ judged: 3 });
      const judged = await versions(orgId, 'busy');
      await projectEvents(db, [shipped(orgId, 'busy', now + 3)]);
      const marked = await watched(orgId, 'busy');
      expect(marked.map((r) => r.live)).toEqual([true, true, true]);
      marked.forEach((r, i) => expect(r.version).not.toBe(judged[i]));
    });

    it('live changes are judged together, a batch time after the first; later ones neither write nor postpone it', async () => {
      const orgId = await newOrg();
      const now = await dbNow();
      // a long batch time, so that nothing falls due by itself while the test runs
      const batchMs = 60_000;
      const due = () =>
        db.query<{ batched_ms: number }[]>(
          `SELECT extract(epoch FROM change_at - change_first_at)::float8 * 1000 AS batched_ms
             FROM alert_watch WHERE org_id = $1 AND subject_id = 'busy' ORDER BY rule`,
          [orgId],
        );
      await projectEvents(db, [team(orgId, 'busy', now)], batchMs);
      const first = await watched(orgId, 'busy');
      expect(first.map((r) => r.live)).toEqual([false, false, false]);
      expect(await due()).toEqual([
        { batched_ms: batchMs },
        { batched_ms: batchMs },
        { batched_ms: batchMs },
      ]);
      expect(await handler().round()).toMatchObject({ judged: 0 }); // not yet

      await projectEvents(db, [shipped(orgId, 'busy', now + 1)], batchMs);
      await projectEvents(db, [block(orgId, 'busy', now + 2)], batchMs);
      expect(await versions(orgId, 'busy')).toEqual(first.map((r) => r.version)); // neither written nor postponed

      // the batch time passed: judged in one round, with what the later changes changed
      await db.query(`UPDATE alert_watch SET change_at = now() WHERE org_id = $1`, [orgId]);
      expect(await rounds()).toMatchObject({ judged: 3, rounds: 1 });
      const after = await watched(orgId, 'busy');
      expect(after.map((r) => r.in_ms)).toEqual([null, null, null]); // nothing pending
      const [idle] = await db.query<{ due_at: Date }[]>(
        `SELECT due_at FROM alert_watch WHERE org_id = $1 AND rule = 'TEAM_IDLE' AND subject_id = 'busy'`,
        [orgId],
      );
      expect(idle.due_at.getTime()).toBe(now + 2 + 48 * HOUR); // idle 48 h after the block
    });

    it('old events move a pending judgement later a step at a time; a live change goes first', async () => {
      const orgId = await newOrg();
      const now = await dbNow();
      const old = now - 300 * DAY;
      await projectEvents(db, [team(orgId, 'import', old)]);
      const first = await watched(orgId, 'import');
      expect(first.map((r) => r.bulk)).toEqual([true, true, true]);

      await projectEvents(db, [shipped(orgId, 'import', old + 1)]);
      expect(await versions(orgId, 'import')).toEqual(first.map((r) => r.version)); // within a step: not written

      // as if the mark were two seconds old: the next old event moves the judgement 10 s from now
      await db.query(
        `UPDATE alert_watch SET change_at = change_at - interval '2 s' WHERE org_id = $1 AND subject_id = 'import'`,
        [orgId],
      );
      await projectEvents(db, [shipped(orgId, 'import', old + 2)]);
      const moved = await watched(orgId, 'import');
      expect(moved.map((r) => r.bulk)).toEqual([true, true, true]);
      for (const r of moved) expect(r.in_ms).toBeGreaterThan(9_000);

      await projectEvents(db, [shipped(orgId, 'import', now)]);
      const live = await watched(orgId, 'import');
      expect(live.map((r) => [r.bulk, r.live])).toEqual([
        [false, true],
        [false, true],
        [false, true],
      ]);
    });
  });

  describe('a claim is a lease committed before its judgement', () => {
    const watch = () => new AlertWatch(db.manager);
    const mine = (orgId: string, claim: WatchClaim) => claim.items.filter((i) => i.orgId === orgId);
    const rows = (orgId: string, subjectId: string) =>
      db.query<{ rule: string; live: boolean; leased: boolean; due: boolean }[]>(
        `SELECT rule, coalesce(live_at <= now(), false) AS live, claimed_until IS NOT NULL AS leased,
                due_at IS NOT NULL AS due
           FROM alert_watch WHERE org_id = $1 AND subject_id = $2 ORDER BY rule`,
        [orgId, subjectId],
      );
    const lockWaitOnWatch = async (until: Promise<unknown>): Promise<boolean> => {
      let settled = false;
      void until.finally(() => (settled = true));
      while (!settled) {
        const [waiting] = await db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%alert_watch%'`,
        );
        if (waiting.n > 0) return true;
        await new Promise((resolve) => setImmediate(resolve));
      }
      return false;
    };
    /** The data source, running `hook` once before the first statement of a transaction matching `pattern`. */
    const pausedBefore = (pattern: RegExp, hook: () => Promise<void>): DataSource => {
      let pending: (() => Promise<void>) | undefined = hook;
      const paused = (tx: EntityManager): EntityManager =>
        new Proxy(tx, {
          get(target, property, receiver) {
            if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
            return async (sql: string, params?: unknown[]) => {
              const run = pattern.test(sql) ? pending : undefined;
              if (run) {
                pending = undefined;
                await run();
              }
              return target.query<unknown>(sql, params);
            };
          },
        });
      const wrapped = {
        manager: db.manager,
        query: db.query.bind(db),
        transaction: <T>(work: (tx: EntityManager) => Promise<T>) => db.transaction((tx) => work(paused(tx))),
      };
      return wrapped as unknown as DataSource;
    };

    it('a change of a rule being judged does not wait for the judgement, and is judged again after it', async () => {
      const orgId = await newOrg();
      const now = await dbNow();
      await projectEvents(db, [team(orgId, 'judged', now)]);
      // between the round's claim and its reads of the heads, the projector projects a block of the team
      const judging = pausedBefore(/\bteam_head\b/, async () => {
        const projecting = projectEvents(db, [block(orgId, 'judged', now + 1)]);
        if (await lockWaitOnWatch(projecting)) throw new Error('the projector waited for the judgement');
        await projecting;
      });
      const outcome = await new EvaluateAlertsHandler(judging, {
        roundSize: 500,
        sweepPageSize: 1_000,
      }).round();
      expect(outcome.judged).toBe(3);
      // the block, marked after the claim, is a change still to be judged, and then is
      expect((await rows(orgId, 'judged')).map((r) => [r.live, r.leased])).toEqual([
        [true, false],
        [true, false],
        [true, false],
      ]);
      expect(await rounds()).toMatchObject({ judged: 3 });
      const [idle] = await db.query<{ due_at: Date }[]>(
        `SELECT due_at FROM alert_watch WHERE org_id = $1 AND rule = 'TEAM_IDLE' AND subject_id = 'judged'`,
        [orgId],
      );
      expect(idle.due_at.getTime()).toBe(now + 1 + 48 * HOUR);
    });

    it('no other round claims it while its lease runs; a lease that ends unreleased is due again, in its lane', async () => {
      const orgId = await newOrg();
      const now = await dbNow();
      await projectEvents(db, [team(orgId, 'leased', now), team(orgId, 'imported', now - 300 * DAY)]);
      await settled();
      const claim = await watch().claim(500, 500, 60_000);
      expect(mine(orgId, claim).map((i) => [i.subjectId, i.bulk])).toEqual([
        ['leased', false],
        ['leased', false],
        ['leased', false],
        ['imported', true],
        ['imported', true],
        ['imported', true],
      ]);
      await projectEvents(db, [block(orgId, 'leased', now + 1)]); // changed again: due, but leased
      expect(mine(orgId, await watch().claim(500))).toHaveLength(0);
      expect(await watch().nextDueInMs()).toBeLessThanOrEqual(0); // the block's change

      // the alerter that claimed them is gone: its leases end
      await db.query(`UPDATE alert_watch SET claimed_until = now(), change_at = NULL WHERE org_id = $1`, [
        orgId,
      ]);
      const due = await db.query<{ subject_id: string; live: boolean; bulk: boolean }[]>(
        `SELECT subject_id, coalesce(live_at <= now(), false) AS live, coalesce(bulk_at <= now(), false) AS bulk
           FROM alert_watch WHERE org_id = $1 ORDER BY subject_id, rule`,
        [orgId],
      );
      expect(due.map((r) => [r.subject_id, r.live, r.bulk])).toEqual([
        ['imported', false, true],
        ['imported', false, true],
        ['imported', false, true],
        ['leased', true, false],
        ['leased', true, false],
        ['leased', true, false],
      ]);
      expect(await watch().nextDueInMs()).toBeLessThanOrEqual(0);
      expect(await rounds()).toMatchObject({ judged: 6, bulk: 3 });
      expect((await rows(orgId, 'leased')).map((r) => [r.leased, r.live])).toEqual([
        [false, false],
        [false, false],
        [false, false],
      ]);
    });

    it('a judgement whose lease ended and was claimed by another round writes nothing', async () => {
      const orgId = await newOrg();
      const now = await dbNow();
      // no interview for 8 days: a DISCOVERY_LAPSED to raise
      await projectEvents(db, [team(orgId, 'slow', now - 8 * DAY)]);
      await settled();
      let other: WatchClaim | undefined;
      const slow = pausedBefore(/\bteam_head\b/, async () => {
        await db.query(`UPDATE alert_watch SET claimed_until = now() WHERE org_id = $1`, [orgId]);
        other = await watch().claim(500);
      });
      await expect(
        new EvaluateAlertsHandler(slow, { roundSize: 500, sweepPageSize: 1_000 }).round(),
      ).rejects.toThrow(WatchClaimLostError);
      expect(await open(orgId)).toEqual([]);
      const leases = await db.query<{ lease: string }[]>(
        `SELECT DISTINCT claimed_until::text AS lease FROM alert_watch WHERE org_id = $1`,
        [orgId],
      );
      expect(leases.map((l) => l.lease)).toEqual([other?.lease]); // the other round's, as it claimed them
    });

    it('a claim given back while a projector holds one of its rows waits for it, and keeps each one due as it was', async () => {
      const orgId = await newOrg();
      const now = await dbNow();
      await projectEvents(db, [team(orgId, 'returned', now)]);
      const claim = await watch().claim(500);
      const items = mine(orgId, claim);
      expect(items).toHaveLength(3);
      const projector = db.createQueryRunner();
      await projector.connect();
      try {
        await projector.startTransaction();
        await projector.query(
          `SELECT 1 FROM alert_watch WHERE org_id = $1 AND rule = 'TEAM_IDLE' AND subject_id = 'returned' FOR UPDATE`,
          [orgId],
        );
        const releasing = watch().release(claim);
        await eventually(async () => expect(await lockWaitOnWatch(releasing)).toBe(true));
        await projector.commitTransaction();
        await releasing;
      } finally {
        await projector.release();
      }
      const back = await db.query<{ rule: string; change_ms: number; leased: boolean; bulk: boolean }[]>(
        `SELECT rule, extract(epoch FROM change_at)::float8 * 1000 AS change_ms,
                claimed_until IS NOT NULL AS leased, change_bulk AS bulk
           FROM alert_watch WHERE org_id = $1 AND subject_id = 'returned' ORDER BY rule`,
        [orgId],
      );
      expect(back).toEqual(
        [...items]
          .sort((a, b) => a.rule.localeCompare(b.rule))
          .map((i) => ({ rule: i.rule, change_ms: i.dueSince, leased: false, bulk: false })),
      );
      expect(await rounds()).toMatchObject({ judged: 3 });
    });

    it('a judgement that fails gives its claim back: due again at once, in its lane', async () => {
      const orgId = await newOrg();
      const now = await dbNow();
      await projectEvents(db, [team(orgId, 'failing', now - 300 * DAY)]); // old: the bulk lane
      await settled();
      const failing = new EvaluateAlertsHandler(
        db,
        { roundSize: 500, sweepPageSize: 1_000 },
        {
          judging: () => {
            throw new Error('judgement failed');
          },
        },
      );
      await expect(failing.round()).rejects.toThrow('judgement failed');
      const watched = await db.query<{ bulk_due: boolean; leased: boolean }[]>(
        `SELECT bulk_at <= now() AS bulk_due, claimed_until IS NOT NULL AS leased
           FROM alert_watch WHERE org_id = $1 AND subject_id = 'failing' ORDER BY rule`,
        [orgId],
      );
      expect(watched).toEqual([
        { bulk_due: true, leased: false },
        { bulk_due: true, leased: false },
        { bulk_due: true, leased: false },
      ]);
      expect(await rounds()).toMatchObject({ judged: 3, bulk: 3 });
    });

    it('completing a claim never waits for a projector holding one of its rows: that one is completed after', async () => {
      const orgId = await newOrg();
      const now = await dbNow();
      await projectEvents(db, [team(orgId, 'held', now)]);
      const claim = await watch().claim(500);
      expect(mine(orgId, claim)).toHaveLength(3);
      const projector = db.createQueryRunner();
      await projector.connect();
      let held: JudgedItem[];
      try {
        await projector.startTransaction();
        await projector.query(
          `SELECT 1 FROM alert_watch WHERE org_id = $1 AND rule = 'TEAM_IDLE' AND subject_id = 'held' FOR UPDATE`,
          [orgId],
        );
        held = await watch().complete(
          claim,
          claim.items.map((i) => ({ ...i, dueAt: now + HOUR })),
        );
        expect(held.map((i) => [i.orgId, i.rule, i.subjectId])).toEqual([[orgId, 'TEAM_IDLE', 'held']]);
        expect((await rows(orgId, 'held')).map((r) => r.leased)).toEqual([false, true, false]);
        await projector.query(
          `UPDATE alert_watch SET change_at = now() WHERE org_id = $1 AND rule = 'TEAM_IDLE' AND subject_id = 'held'`,
          [orgId],
        );
        const completing = watch().completeHeld(claim, held);
        await eventually(async () => expect(await lockWaitOnWatch(completing)).toBe(true));
        await projector.commitTransaction();
        await completing;
      } finally {
        await projector.release();
      }
      expect(await rows(orgId, 'held')).toEqual([
        { rule: 'DISCOVERY_LAPSED', live: false, leased: false, due: true },
        { rule: 'TEAM_IDLE', live: true, leased: false, due: true },
        { rule: 'TEAM_STALLED', live: false, leased: false, due: true },
      ]);
      expect(await rounds()).toMatchObject({ judged: 1 });
    });
  });
});

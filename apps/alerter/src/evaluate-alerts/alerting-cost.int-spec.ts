import { randomBytes, randomUUID } from 'node:crypto';
import {
  AlertOutbox,
  AlertsStore,
  WebhooksRepository,
  connectDatabase,
  recordReadModelVersions,
} from '@orgpulse/persistence';
import {
  type MeasuredStatement,
  TestDatabase,
  acceptedEventBuilder,
  measureStatements,
  projectEvents,
} from '@orgpulse/testing';
import { SecretBox } from '@orgpulse/platform';
import type { DataSource } from 'typeorm';
import { EvaluateAlertsHandler } from './evaluate-alerts.handler';

const HOUR = 3_600_000;
const REPORTS_PER_MANAGER = 20;
// tables whose size grows with an org or its backlog: never read whole by a round or a claim
const SIZED = [
  'team_head',
  'person_head',
  'manager_head',
  'alert_watch',
  'alerts',
  'alert_outbox',
  'event_store',
];

interface Org {
  testDb: TestDatabase;
  db: DataSource;
  orgId: string;
  size: number;
}

const rowsOf = (statements: readonly MeasuredStatement[]) =>
  statements.reduce((n, s) => n + s.rowsTouched, 0);
const seqScansOf = (statements: readonly MeasuredStatement[]) =>
  statements.flatMap((s) => s.seqScans).filter((table) => SIZED.includes(table));

/**
 * Acceptance (issue 20, contract §12): an alert round and the outbox claim cost what they judge and
 * claim, not the org's size nor the backlog. Shown with statement counts and the rows each statement's
 * plan touched (EXPLAIN ANALYZE), at two sizes; never with timings.
 */
describe('alerting cost follows the work asked, not the size of the org or of the backlog', () => {
  jest.setTimeout(180_000);
  const orgs: Org[] = [];

  const event = acceptedEventBuilder('e');
  const dbNow = async (db: DataSource) =>
    (await db.query<{ now: Date }[]>(`SELECT now() AS now`))[0].now.getTime();
  const drain = async (db: DataSource) => {
    await db.query(`UPDATE alert_watch SET change_at = now() WHERE change_at > now()`);
    const handler = new EvaluateAlertsHandler(db, { roundSize: 2_000, sweepPageSize: 1_000 });
    while ((await handler.round()).judged > 0);
  };

  /** An org of `size` teams and `size` people (20 reports per manager) in a database of its own, judged. */
  async function orgOf(size: number): Promise<Org> {
    const testDb = await TestDatabase.create(`cost${size}`);
    const db = await connectDatabase({ url: testDb.url, startupTimeoutMs: 5_000 });
    await recordReadModelVersions(db.manager);
    const orgId = randomUUID();
    await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'sized')`, [orgId]);
    const dayAgo = (await dbNow(db)) - 24 * HOUR;
    // teams without an interview for 8 days: an open DISCOVERY_LAPSED each, as a large org has many alerts
    const events = Array.from({ length: size }, (_, i) => [
      event(orgId, 'team.registered', dayAgo - 7 * 24 * HOUR, {
        teamId: `t${i}`,
        name: `t${i}`,
        headcount: 5,
      }),
      event(orgId, 'person.registered', dayAgo, {
        personId: `p${i}`,
        role: 'engineer',
        managerId: `m${Math.floor(i / REPORTS_PER_MANAGER)}`,
      }),
      event(orgId, 'one-on-one.held', dayAgo, {
        managerId: `m${Math.floor(i / REPORTS_PER_MANAGER)}`,
        reportId: `p${i}`,
      }),
    ]).flat();
    for (let i = 0; i < events.length; i += 1_500) await projectEvents(db, events.slice(i, i + 1_500));
    await drain(db);
    await db.query('ANALYZE');
    return { testDb, db, orgId, size };
  }

  /** The same changes in any org: 10 teams blocked, 5 reports moved, 5 1:1s, and 10 thresholds fallen due. */
  async function sameChanges(org: Org, teams = 10): Promise<void> {
    const now = await dbNow(org.db);
    await projectEvents(org.db, [
      ...Array.from({ length: teams }, (_, i) =>
        event(org.orgId, 'team.blocked', now, { teamId: `t${i}`, reason: 'dependency' }),
      ),
      ...Array.from({ length: 5 }, (_, i) =>
        event(org.orgId, 'person.manager-changed', now, { personId: `p${i}`, managerId: 'm1' }),
      ),
      ...Array.from({ length: 5 }, (_, i) =>
        event(org.orgId, 'one-on-one.held', now, { managerId: 'm2', reportId: `p${40 + i}` }),
      ),
    ]);
    await org.db.query(
      `UPDATE alert_watch SET due_at = now()
        WHERE org_id = $1 AND rule = 'DISCOVERY_LAPSED' AND subject_id = ANY($2::text[])`,
      [org.orgId, Array.from({ length: 10 }, (_, i) => `t${i + 50}`)],
    );
  }

  async function measuredRound(org: Org, roundSize = 2_000) {
    const measured = measureStatements(org.db);
    const outcome = await new EvaluateAlertsHandler(measured.db, { roundSize, sweepPageSize: 1_000 }).round();
    return { outcome, statements: measured.statements };
  }

  beforeAll(async () => {
    orgs.push(await orgOf(100), await orgOf(2_000));
  });
  afterAll(async () => {
    for (const org of orgs) {
      await org.db.destroy();
      await org.testDb.drop();
    }
  });

  it('a round over the same changes sends the same statements and touches as many rows in an org 20× the size', async () => {
    const rounds = [];
    for (const org of orgs) {
      await sameChanges(org);
      rounds.push(await measuredRound(org));
    }
    const [inSmall, inLarge] = rounds;
    expect(inLarge.outcome.judged).toBe(inSmall.outcome.judged);
    expect(inLarge.outcome.judged).toBeGreaterThan(40);
    expect(inLarge.statements.map((s) => s.sql)).toEqual(inSmall.statements.map((s) => s.sql));
    expect(rowsOf(inLarge.statements)).toBeLessThanOrEqual(rowsOf(inSmall.statements) * 1.25 + 20);
    // (the small org's tables are so small that the planner reads some whole: a bound per rule judged too)
    expect(rowsOf(inLarge.statements)).toBeLessThanOrEqual(25 * inLarge.outcome.judged);
    expect(seqScansOf(inLarge.statements)).toEqual([]);
  });

  it('a round of 400 changed teams sends as many statements as a round of 10 (set-based raise and resolve)', async () => {
    const large = orgs[1];
    await sameChanges(large);
    const few = await measuredRound(large);
    await sameChanges(large, 400);
    const many = await measuredRound(large);
    expect(many.outcome.judged).toBeGreaterThan(few.outcome.judged * 10);
    expect(many.statements.length).toBe(few.statements.length);
    expect(many.statements.length).toBeLessThanOrEqual(10);
  });

  it('claiming deliveries touches as many rows with 2,000 pending as with 100 (an index, no anti-join)', async () => {
    const claims = [];
    for (const org of orgs) {
      for (const url of ['https://a.example.com/', 'https://b.example.com/', 'https://c.example.com/'])
        await new WebhooksRepository(org.db, new SecretBox(randomBytes(32))).create(
          org.orgId,
          { url, secret: 'a-secret-of-16-chars', format: 'json' },
          10,
        );
      const store = new AlertsStore(org.db);
      const alerts = org.size / 4; // a delivery to Kafka and to each of three webhooks: `size` pending
      const raised = await store.raiseAll(
        Array.from({ length: alerts }, (_, i) => ({
          orgId: org.orgId,
          condition: { rule: 'TEAM_IDLE' as const, subjectId: `x${i}`, since: 0, figures: {} },
          lane: 'live' as const,
        })),
        new Date(),
      );
      // half of them resolved already: their resolves wait behind the raises
      await store.resolveAll(
        raised.slice(0, alerts / 2).map((c) => ({ alertId: c.alert.id, lane: 'live' as const })),
        new Date(),
      );
      // a fifth of the webhook deliveries failed and back off
      await org.db.query(
        `UPDATE alert_outbox SET next_attempt_at = now() + interval '1 hour', attempts = 3
          WHERE id IN (SELECT id FROM alert_outbox WHERE channel = 'webhook' AND status = 'pending' AND id % 5 = 0)`,
      );
      await org.db.query('ANALYZE alert_outbox');
      const measured = measureStatements(org.db);
      const claimed = await new AlertOutbox(measured.db).claim({
        limit: 4,
        kafkaLimit: 6,
        perWebhook: 2,
        leaseMs: 60_000,
        claimant: randomUUID(),
      });
      const [{ pending }] = await org.db.query<{ pending: number }[]>(
        `SELECT count(*)::int AS pending FROM alert_outbox WHERE status = 'pending'`,
      );
      claims.push({ claimed, pending, statements: measured.statements });
    }
    const [withFew, withMany] = claims;
    expect(withMany.pending).toBeGreaterThanOrEqual(withFew.pending * 15);
    expect(withMany.claimed).toHaveLength(10);
    expect(withFew.claimed).toHaveLength(10);
    expect(withMany.statements.map((s) => s.sql)).toEqual(withFew.statements.map((s) => s.sql));
    expect(rowsOf(withMany.statements)).toBeLessThanOrEqual(rowsOf(withFew.statements) * 1.25 + 20);
    expect(seqScansOf(withMany.statements)).toEqual([]);
  });
});

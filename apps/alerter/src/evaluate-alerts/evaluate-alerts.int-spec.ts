import { randomUUID } from 'node:crypto';
import type { AcceptedEvent } from '@orgpulse/contracts';
import {
  EventStoreRepository,
  ProjectionEngine,
  connectDatabase,
  holdProjectionLockShared,
} from '@orgpulse/persistence';
import { TestDatabase } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { EvaluateAlertsHandler } from './evaluate-alerts.handler';

const HOUR = 3_600_000;

/** Thresholds and "now" come from PostgreSQL's clock, whatever the alerter host's clock says. */
describe('evaluating alerts on PostgreSQL’s clock', () => {
  let testDb: TestDatabase;
  let db: DataSource;
  let dbNow: number;

  const project = async (orgId: string, teamId: string, blockedAt: number) => {
    const event = (type: AcceptedEvent['type'], data: Record<string, unknown>): AcceptedEvent =>
      ({
        id: `${teamId}-${type}`,
        type,
        version: 1,
        orgId,
        occurredAt: new Date(blockedAt).toISOString(),
        ingestedAt: new Date(blockedAt).toISOString(),
        data: { teamId, ...data },
      }) as AcceptedEvent;
    await db.transaction(async (tx) => {
      await holdProjectionLockShared(tx);
      const appended = await new EventStoreRepository().append(
        tx,
        [
          event('team.registered', { name: teamId, headcount: 3 }),
          event('team.blocked', { reason: 'dependency' }),
        ].map((e, i) => ({ event: e, subject: `team:${teamId}`, partition: 0, offset: String(i) })),
      );
      await new ProjectionEngine().apply(tx, appended);
    });
  };
  const newOrg = async () => {
    const id = randomUUID();
    await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'clock')`, [id]);
    return id;
  };
  const openAlerts = (orgId: string) =>
    db.query<{ rule: string; subject_id: string; raised_at: Date }[]>(
      `SELECT rule, subject_id, raised_at FROM alerts WHERE org_id = $1 AND status = 'OPEN'`,
      [orgId],
    );

  beforeAll(async () => {
    testDb = await TestDatabase.create('clock');
    db = await connectDatabase({ url: testDb.url, startupTimeoutMs: 5_000 });
    const [row] = await db.query<{ now: Date }[]>(`SELECT now() AS now`);
    dbNow = row.now.getTime();
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await db.destroy();
    await testDb.drop();
  });

  it.each([
    ['ten days ahead', 10 * 24 * HOUR],
    ['ten days behind', -10 * 24 * HOUR],
  ])('an alerter host whose clock is %s decides as PostgreSQL’s clock says', async (_case, skew) => {
    const orgId = await newOrg();
    await project(orgId, 'not-yet', dbNow - 47 * HOUR); // idle in an hour
    await project(orgId, 'idle', dbNow - 49 * HOUR); // idle an hour ago
    jest.spyOn(Date, 'now').mockReturnValue(dbNow + skew);

    expect(await new EvaluateAlertsHandler(db).evaluate(orgId)).toEqual({ raised: 1, resolved: 0 });
    const open = await openAlerts(orgId);
    expect(open.map((a) => [a.rule, a.subject_id])).toEqual([['TEAM_IDLE', 'idle']]);
    expect(Math.abs(open[0].raised_at.getTime() - dbNow)).toBeLessThan(HOUR);
  });
});

import { randomUUID } from 'node:crypto';
import type { AcceptedEvent } from '@orgpulse/contracts';
import { connectDatabase, recordReadModelVersions } from '@orgpulse/persistence';
import { TestDatabase, projectEvents } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { EvaluateAlertsHandler } from './evaluate-alerts.handler';

const HOUR = 3_600_000;

/** Thresholds and "now" come from PostgreSQL's clock, whatever the alerter host's clock says. */
describe('evaluating alerts on PostgreSQL’s clock', () => {
  let testDb: TestDatabase;
  let db: DataSource;
  let dbNow: number;

  const project = (orgId: string, teamId: string, blockedAt: number) => {
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
    return projectEvents(db, [
      event('team.registered', { name: teamId, headcount: 3 }),
      event('team.blocked', { reason: 'dependency' }),
    ]);
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
  /** Rounds until nothing is due now: the changes judged, old events' settle time passed over. */
  const judgeAll = async () => {
    await db.query(`UPDATE alert_watch SET change_at = now() WHERE change_at > now()`);
    const handler = new EvaluateAlertsHandler(db, { roundSize: 100, sweepPageSize: 100 });
    let raised = 0;
    for (let outcome = await handler.round(); outcome.judged > 0; outcome = await handler.round())
      raised += outcome.raised;
    return raised;
  };

  beforeAll(async () => {
    testDb = await TestDatabase.create('clock');
    db = await connectDatabase({ url: testDb.url, startupTimeoutMs: 5_000 });
    await recordReadModelVersions(db.manager);
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

    expect(await judgeAll()).toBe(1);
    const open = await openAlerts(orgId);
    expect(open.map((a) => [a.rule, a.subject_id])).toEqual([['TEAM_IDLE', 'idle']]);
    expect(Math.abs(open[0].raised_at.getTime() - dbNow)).toBeLessThan(HOUR);
    const [due] = await db.query<{ due_at: Date }[]>(
      `SELECT due_at FROM alert_watch WHERE org_id = $1 AND rule = 'TEAM_IDLE' AND subject_id = 'not-yet'`,
      [orgId],
    );
    expect(due.due_at.getTime()).toBe(dbNow + HOUR); // falls due when its 48 h are up, by PostgreSQL's clock
  });
});

import { randomUUID } from 'node:crypto';
import { OrgSettingsRepository, connectDatabase, recordReadModelVersions } from '@orgpulse/persistence';
import { TestDatabase, acceptedEventBuilder, projectEvents } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { EvaluateAlertsHandler } from './evaluate-alerts.handler';

const DAY = 24 * 3_600_000;

/** COACHING_STALLED (contract §14) judged from the projector's marks and heads on a real PostgreSQL. */
describe('COACHING_STALLED: a plan with no rating of its competencies', () => {
  let testDb: TestDatabase;
  let db: DataSource;
  const handler = (sweepPageSize = 1_000) => new EvaluateAlertsHandler(db, { roundSize: 500, sweepPageSize });

  const newOrg = async () => {
    const id = randomUUID();
    await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'coaching')`, [id]);
    return id;
  };
  const event = acceptedEventBuilder('c');
  const plan = (orgId: string, personId: string, at: number, competencies: Record<string, number>) =>
    event(orgId, 'coaching.plan-set', at, {
      personId,
      managerId: 'mia',
      competencies: Object.entries(competencies).map(([name, target]) => ({ name, target })),
    });
  const held = (
    orgId: string,
    managerId: string,
    reportId: string,
    at: number,
    ratings: Record<string, number>,
  ) =>
    event(orgId, 'one-on-one.held', at, {
      managerId,
      reportId,
      ratings: Object.entries(ratings).map(([competency, level]) => ({ competency, level })),
    });
  const dbNow = async () => (await db.query<{ now: Date }[]>(`SELECT now() AS now`))[0].now.getTime();
  /** Old events are judged once settled: the settle time is passed over here. */
  const settled = () => db.query(`UPDATE alert_watch SET change_at = now() WHERE change_at > now()`);
  const rounds = async (h = handler()) => {
    const total = { judged: 0, raised: 0, resolved: 0 };
    for (let outcome = await h.round(); outcome.judged > 0; outcome = await h.round()) {
      total.judged += outcome.judged;
      total.raised += outcome.raised;
      total.resolved += outcome.resolved;
    }
    return total;
  };
  const stalled = (orgId: string) =>
    db.query<{ subject_id: string; status: string; figures: Record<string, unknown> }[]>(
      `SELECT subject_id, status, figures FROM alerts WHERE org_id = $1 AND rule = 'COACHING_STALLED'
        ORDER BY subject_id, raised_at`,
      [orgId],
    );
  const marked = async (orgId: string) =>
    (
      await db.query<{ subject_id: string }[]>(
        `SELECT subject_id FROM alert_watch
          WHERE org_id = $1 AND rule = 'COACHING_STALLED' AND change_at IS NOT NULL ORDER BY subject_id`,
        [orgId],
      )
    ).map((r) => r.subject_id);

  beforeAll(async () => {
    testDb = await TestDatabase.create('coaching');
    db = await connectDatabase({ url: testDb.url, startupTimeoutMs: 5_000 });
    await recordReadModelVersions(db.manager);
  });
  afterAll(async () => {
    await db.destroy();
    await testDb.drop();
  });

  it('raises for a plan set 30 days ago with no rating, and only a rating of a plan competency resolves it', async () => {
    const orgId = await newOrg();
    const now = await dbNow();
    const setAt = now - 30 * DAY;
    await projectEvents(db, [
      plan(orgId, 'ann', setAt, { discovery: 4, delivery: 2 }),
      plan(orgId, 'bo', now - 10 * DAY, { discovery: 3 }), // 10 days: not stalled at 28
    ]);
    expect(await marked(orgId)).toEqual(['ann', 'bo']);
    await settled();
    expect(await rounds()).toMatchObject({ judged: 2, raised: 1 });
    const [raised] = await stalled(orgId);
    expect(raised).toMatchObject({ subject_id: 'ann', status: 'OPEN' });
    expect(raised.figures).toMatchObject({
      planSetAt: new Date(setAt).toISOString(),
      lastRatedAt: null,
      quietSince: new Date(setAt).toISOString(),
    });
    expect(raised.figures.daysWithoutRating).toBeGreaterThanOrEqual(30);
    expect(raised.figures.daysWithoutRating).toBeLessThan(30.01);

    // a competency not in her plan: judged again (her levels moved), still stalled
    await projectEvents(db, [held(orgId, 'mia', 'ann', now, { hiring: 3 })]);
    expect(await marked(orgId)).toEqual(['ann']);
    expect(await rounds()).toMatchObject({ raised: 0, resolved: 0 });
    expect((await stalled(orgId)).map((a) => a.status)).toEqual(['OPEN']);

    // a plan competency rated by another manager than the one who met her before
    await projectEvents(db, [held(orgId, 'max', 'ann', now, { delivery: 2 })]);
    expect(await marked(orgId)).toEqual(['ann']);
    expect(await rounds()).toMatchObject({ resolved: 1, raised: 0 });
    expect((await stalled(orgId)).map((a) => a.status)).toEqual(['RESOLVED']);
  });

  it('a lower threshold re-judges every person with a plan, and the open alerts after them', async () => {
    const orgId = await newOrg();
    const now = await dbNow();
    await projectEvents(db, [
      ...Array.from({ length: 5 }, (_, i) => plan(orgId, `p${i}`, now - 10 * DAY, { discovery: 3 })),
      plan(orgId, 'rated', now - 10 * DAY, { discovery: 3 }),
      held(orgId, 'mia', 'rated', now - DAY, { discovery: 2 }),
    ]);
    await settled();
    expect(await rounds()).toMatchObject({ raised: 0 });

    await new OrgSettingsRepository(db).update(orgId, { coachingStallDays: 7 });
    const h = handler(2);
    while (await h.sweepStep());
    expect(await db.query(`SELECT 1 FROM alert_sweeps WHERE org_id = $1`, [orgId])).toEqual([]);
    expect(await rounds(h)).toMatchObject({ raised: 5 }); // rated a day ago: not stalled
    expect((await stalled(orgId)).map((a) => a.subject_id)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);

    // raised back: the open alerts are paged through (by rule and subject) and stay open, none resolved
    await new OrgSettingsRepository(db).update(orgId, { coachingStallDays: 28 });
    let pages = 0;
    while (await h.sweepStep()) pages += 1;
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(6 / 2) + Math.ceil(5 / 2));
    expect(await rounds(h)).toMatchObject({ judged: 6, raised: 0, resolved: 0 });
    expect((await stalled(orgId)).map((a) => a.status)).toEqual(Array(5).fill('OPEN'));
  });
});

import { randomUUID } from 'node:crypto';
import { TestDatabase, measureStatements } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { AlertsStore } from './alerts.store';

const RULES = ['TEAM_IDLE', 'DISCOVERY_LAPSED', 'MANAGER_OVERLOADED'] as const;

/**
 * The alerter looks up the open alert of each rule and subject it judges, every round. That lookup must
 * read one index entry per subject whatever the org's open alerts, also before the table's first ANALYZE
 * (a table grown from empty; autovacuum off or not yet run), when the planner has no statistics to go by.
 */
describe('looking up open alerts (PostgreSQL)', () => {
  let testDb: TestDatabase;
  let db: DataSource;

  beforeAll(async () => {
    testDb = await TestDatabase.create('openalerts');
    db = await connectDatabase({ url: testDb.url, startupTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    await db.destroy();
    await testDb.drop();
  });

  it('reads about one row per subject asked among 1,000 open alerts of the org, without statistics', async () => {
    const orgId = randomUUID();
    await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'org')`, [orgId]);
    const conditions = Array.from({ length: 1_000 }, (_, i) => ({
      rule: RULES[i % RULES.length],
      subjectId: `t${Math.floor(i / RULES.length)}`,
    }));
    await new AlertsStore(db).raiseAll(
      conditions.map((c) => ({ orgId, condition: { ...c, since: 0, figures: {} }, lane: 'live' as const })),
      new Date(),
    );
    const [{ analyzed }] = await db.query<{ analyzed: number }[]>(
      `SELECT count(*)::int AS analyzed FROM pg_statistic WHERE starelid = 'alerts'::regclass`,
    );
    expect(analyzed).toBe(0);

    const asked = conditions.filter((_, i) => i % 20 === 0).map((c) => ({ orgId, ...c }));
    const measured = measureStatements(db);
    const open = await measured.db.transaction((tx) => new AlertsStore(tx).openFor(asked));
    expect(open).toHaveLength(asked.length);
    const [lookup] = measured.statements;
    expect(lookup.seqScans).toEqual([]);
    // the unique index of open alerts: a probe each; the org's open alerts per subject would be ~50,000
    expect(lookup.rowsTouched).toBeLessThanOrEqual(4 * asked.length);
  });
});

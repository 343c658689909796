import { randomUUID } from 'node:crypto';
import type { AcceptedEvent } from '@orgpulse/contracts';
import { READ_MODELS } from '@orgpulse/domain';
import { testEnvironment } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { EventStoreRepository } from '../event-store/event-store.repository';
import { ProjectionEngine } from './projection-engine';
import { recordReadModelVersions, staleReadModels } from './read-model-versions';
import { upgradeReadModels } from './upgrade-read-models';

describe('a read model folded by another version is rebuilt before the projector consumes (real PostgreSQL)', () => {
  jest.setTimeout(60_000);
  let db: DataSource;

  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
  });
  afterAll(() => db.destroy());

  it('given team_timeline stored at version 1 with an old-shaped state, when a projector starts, then it is refolded and recorded at the declared version', async () => {
    const orgId = randomUUID();
    const event: AcceptedEvent = {
      id: 'interview',
      type: 'discovery.interview-held',
      version: 1,
      orgId,
      occurredAt: '2026-03-03T10:00:00.000Z',
      ingestedAt: '2026-03-03T10:00:01.000Z',
      data: { teamId: 'funnel', participantRoles: ['pm', 'designer', 'engineer'] },
    };
    await db.transaction(async (tx) => {
      const appended = await new EventStoreRepository().append(tx, [
        { event, subject: 'team:funnel', partition: 0, offset: '0' },
      ]);
      await new ProjectionEngine().apply(tx, appended);
    });
    await recordReadModelVersions(db.manager);
    // what a version-1 fold left: no trioInterviews, no memberships
    await db.query(
      `UPDATE team_timeline SET state = state - 'trioInterviews' - 'memberships' WHERE org_id = $1`,
      [orgId],
    );
    await db.query(`UPDATE read_model_versions SET version = 1 WHERE name = 'team_timeline'`);
    expect(await staleReadModels(db.manager)).toEqual([{ name: 'team_timeline', stored: 1, declared: 2 }]);

    const warned: unknown[] = [];
    const outcome = await upgradeReadModels(db, (stale) => warned.push(stale));

    expect(warned).toHaveLength(1);
    expect(outcome.rebuilt?.events).toBeGreaterThan(0);
    expect(await staleReadModels(db.manager)).toEqual([]);
    const [row] = await db.query<{ state: { trioInterviews: number[]; memberships: unknown[] } }[]>(
      `SELECT state FROM team_timeline WHERE org_id = $1 AND subject_id = 'funnel'`,
      [orgId],
    );
    expect(row.state.trioInterviews).toEqual([Date.parse(event.occurredAt)]);
    expect(row.state.memberships).toEqual([]);
    // a second start finds nothing to do
    expect(await upgradeReadModels(db)).toEqual({ stale: [] });
    expect(READ_MODELS.find((m) => m.name === 'team_timeline')?.version).toBe(2);
  });
});

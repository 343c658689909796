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

  it('given the team read model stored at an older version with an old-shaped head, when a projector starts, then it is refolded and recorded at the declared version', async () => {
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
      const appended = await new EventStoreRepository(tx).append([
        { event, subject: 'team:funnel', partition: 0, offset: '0' },
      ]);
      await new ProjectionEngine().apply(tx, appended);
    });
    await recordReadModelVersions(db.manager);
    const declared = READ_MODELS.find((m) => m.name === 'team')?.version as number;
    // what an older fold left: no trio interviews in the head
    await db.query(`UPDATE team_head SET state = state - 'lastTrioInterviewAt' WHERE org_id = $1`, [orgId]);
    await db.query(`UPDATE read_model_versions SET version = $1 WHERE name = 'team'`, [declared - 1]);
    expect(await staleReadModels(db.manager)).toEqual([{ name: 'team', stored: declared - 1, declared }]);

    const warned: unknown[] = [];
    const outcome = await upgradeReadModels(db, (stale) => warned.push(stale));

    expect(warned).toHaveLength(1);
    expect(outcome.rebuilt?.events).toBeGreaterThan(0);
    expect(await staleReadModels(db.manager)).toEqual([]);
    const [row] = await db.query<{ state: { lastTrioInterviewAt: number } }[]>(
      `SELECT state FROM team_head WHERE org_id = $1 AND subject_id = 'funnel'`,
      [orgId],
    );
    expect(row.state.lastTrioInterviewAt).toEqual(Date.parse(event.occurredAt));
    // a second start finds nothing to do
    expect(await upgradeReadModels(db)).toEqual({ stale: [] });
  });
});

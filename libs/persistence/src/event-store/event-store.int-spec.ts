import { randomUUID } from 'node:crypto';
import type { AcceptedEvent } from '@orgpulse/contracts';
import { testEnvironment } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { EventStoreRepository } from './event-store.repository';

describe('the event store (PostgreSQL)', () => {
  let db: DataSource;
  let store: EventStoreRepository;
  const orgId = randomUUID();

  const blocked = (id: string, occurredAt: string): AcceptedEvent => ({
    id,
    type: 'team.blocked',
    version: 1,
    orgId,
    occurredAt,
    ingestedAt: '2026-11-21T10:00:00.000Z',
    data: { teamId: 'payments', reason: 'dependency' },
  });

  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
    store = new EventStoreRepository(db.manager);
  });
  afterAll(() => db.destroy());

  it('appends once per (org, event id), within a batch and across batches', async () => {
    const first = await store.append([
      {
        event: blocked('e1', '2026-11-20T09:00:00.000Z'),
        subject: 'team:payments',
        partition: 0,
        offset: '0',
      },
      {
        event: blocked('e1', '2026-11-20T09:00:00.000Z'),
        subject: 'team:payments',
        partition: 0,
        offset: '1',
      },
      {
        event: blocked('e2', '2026-11-19T09:00:00.000Z'),
        subject: 'team:payments',
        partition: 0,
        offset: '2',
      },
    ]);
    expect(first.map((e) => e.event.id)).toEqual(['e1', 'e2']);
    const again = await store.append([
      {
        event: blocked('e2', '2026-11-19T09:00:00.000Z'),
        subject: 'team:payments',
        partition: 1,
        offset: '7',
      },
    ]);
    expect(again).toEqual([]);
    const history = await store.readHistories([{ orgId, subject: 'team:payments' }]);
    expect(history.map((e) => e.event.id)).toEqual(['e2', 'e1']); // by occurredAt, not arrival
    expect(history[1].event).toEqual(blocked('e1', '2026-11-20T09:00:00.000Z'));
  });

  it.each([
    ['UPDATE', `UPDATE event_store SET type = 'team.unblocked' WHERE org_id = $1`],
    ['DELETE', `DELETE FROM event_store WHERE org_id = $1`],
  ])('refuses %s: the store is append-only', async (_op, sql) => {
    await expect(db.query(sql, [orgId])).rejects.toThrow(/event_store is append-only/);
    const rows: unknown[] = await db.query('SELECT 1 FROM event_store WHERE org_id = $1', [orgId]);
    expect(rows).toHaveLength(2);
  });

  it('refuses TRUNCATE', async () => {
    await expect(db.query('TRUNCATE event_store')).rejects.toThrow(/event_store is append-only/);
  });
});

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

  it('keeps every character of an event as sent (what COPY text escapes: backslash, tab, newline, CR)', async () => {
    const awkward = {
      ...blocked('e-awkward', '2026-11-18T09:00:00.000Z'),
      source: 'tab\there\\N',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      data: {
        teamId: 'payments',
        reason: 'dependency',
        note: 'a\\b\tc\nd\re "quoted" \\N \\\\t ünïcødé 🚀 \u2028',
        nested: { list: [1, 'x\\y', null, true] },
      },
    } as unknown as AcceptedEvent; // any JSON a payload may hold
    const [appended] = await store.append([
      { event: awkward, subject: 'team:awkward', partition: 2, offset: '3' },
    ]);
    expect(appended.event.id).toBe('e-awkward');
    const [stored] = await store.readHistories([{ orgId, subject: 'team:awkward' }]);
    const { traceparent, ...read } = awkward; // histories carry no trace context
    expect(stored.event).toEqual(read);
    expect(stored.position).toBe(appended.position);
    const rows: { traceparent: string }[] = await db.query(
      `SELECT traceparent FROM event_store WHERE org_id = $1 AND event_id = 'e-awkward'`,
      [orgId],
    );
    expect(rows).toEqual([{ traceparent }]);
  });

  it('appends two batches in one transaction, each returning only its own new events', async () => {
    const ids = await db.transaction(async (tx) => {
      const tracked = new EventStoreRepository(tx);
      const one = await tracked.append([
        { event: blocked('t1', '2026-11-10T09:00:00.000Z'), subject: 'team:tx', partition: 0, offset: '10' },
      ]);
      const two = await tracked.append([
        { event: blocked('t1', '2026-11-10T09:00:00.000Z'), subject: 'team:tx', partition: 0, offset: '11' },
        { event: blocked('t2', '2026-11-11T09:00:00.000Z'), subject: 'team:tx', partition: 0, offset: '12' },
      ]);
      return [one.map((e) => e.event.id), two.map((e) => e.event.id)];
    });
    expect(ids).toEqual([['t1'], ['t2']]);
    const history = await store.readHistories([{ orgId, subject: 'team:tx' }]);
    expect(history.map((e) => e.event.id)).toEqual(['t1', 't2']);
  });

  it('keeps the first of two events with one id in a batch', async () => {
    const first = blocked('dup', '2026-11-12T09:00:00.000Z');
    const second = { ...first, data: { teamId: 'payments', reason: 'capacity' } } as unknown as AcceptedEvent;
    const appended = await store.append([
      { event: first, subject: 'team:dup', partition: 0, offset: '20' },
      { event: second, subject: 'team:dup', partition: 0, offset: '21' },
    ]);
    expect(appended.map((e) => e.event.data)).toEqual([first.data]);
    const [stored] = await store.readHistories([{ orgId, subject: 'team:dup' }]);
    expect(stored.event.data).toEqual(first.data);
  });

  it.each([
    ['UPDATE', `UPDATE event_store SET type = 'team.unblocked' WHERE org_id = $1`],
    ['DELETE', `DELETE FROM event_store WHERE org_id = $1`],
  ])('refuses %s: the store is append-only', async (_op, sql) => {
    await expect(db.query(sql, [orgId])).rejects.toThrow(/event_store is append-only/);
    const rows: unknown[] = await db.query('SELECT 1 FROM event_store WHERE org_id = $1', [orgId]);
    expect(rows).toHaveLength(6);
  });

  it('refuses TRUNCATE', async () => {
    await expect(db.query('TRUNCATE event_store')).rejects.toThrow(/event_store is append-only/);
  });
});

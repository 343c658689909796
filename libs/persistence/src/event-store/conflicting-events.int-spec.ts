import { randomUUID } from 'node:crypto';
import type { AcceptedEvent } from '@orgpulse/contracts';
import { testEnvironment } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { findConflictingEvents, notAppended } from './conflicting-events';
import { type EventToAppend, EventStoreRepository } from './event-store.repository';

describe('event identity in the store (contract §11, PostgreSQL)', () => {
  let db: DataSource;
  const orgId = randomUUID();
  let offset = 0;

  const shipped = (id: string, extra: Partial<AcceptedEvent> = {}, release = 'v1'): EventToAppend => ({
    event: {
      id,
      type: 'delivery.shipped',
      version: 1,
      orgId,
      occurredAt: '2026-11-20T09:00:00.000Z',
      ingestedAt: '2026-11-21T10:00:00.000Z',
      data: { teamId: 'payments', release },
      ...extra,
    } as AcceptedEvent,
    subject: 'team:payments',
    partition: 3,
    offset: String((offset += 1)),
  });
  const appendAndFind = async (batch: EventToAppend[]) => {
    const appended = await new EventStoreRepository(db.manager).append(batch);
    return { appended, conflicts: await findConflictingEvents(db.manager, notAppended(batch, appended)) };
  };

  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
  });
  afterAll(() => db.destroy());

  it('stores two CloudEvents with one id from two sources, and one CloudEvent sent twice once', async () => {
    const fromA = shipped('ce-1', { source: '/a', idScope: 'source' });
    const fromB = shipped('ce-1', { source: '/b', idScope: 'source' });
    const { appended } = await appendAndFind([
      fromA,
      fromB,
      shipped('ce-1', { source: '/a', idScope: 'source' }),
    ]);
    expect(appended.map((e) => e.event.source)).toEqual(['/a', '/b']);
    expect((await appendAndFind([shipped('ce-1', { source: '/b', idScope: 'source' })])).appended).toEqual(
      [],
    );
  });

  it('keeps a native event apart from a CloudEvent with its id, and keeps their trace context', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const { appended } = await appendAndFind([
      shipped('shared-id', { source: '/a' }),
      shipped('shared-id', { source: '/a', idScope: 'source', traceparent, tracestate: 'k=v' }),
    ]);
    expect(appended).toHaveLength(2);
    const rows = await db.query<
      { identity_source: string; traceparent: string | null; tracestate: string | null }[]
    >(
      `SELECT identity_source, traceparent, tracestate FROM event_store
        WHERE org_id = $1 AND event_id = 'shared-id' ORDER BY position`,
      [orgId],
    );
    expect(rows).toEqual([
      { identity_source: '', traceparent: null, tracestate: null },
      { identity_source: '/a', traceparent, tracestate: 'k=v' },
    ]);
  });

  it('finds a repeat with another type, occurredAt or data, and none in a plain replay', async () => {
    const [stored] = (await appendAndFind([shipped('n-1')])).appended;
    const replay = await appendAndFind([shipped('n-1', { occurredAt: '2026-11-20T10:00:00+01:00' })]);
    expect(replay).toEqual({ appended: [], conflicts: [] }); // the same instant, the same data
    const changed = [
      shipped('n-1', {}, 'v2'),
      shipped('n-1', { occurredAt: '2026-11-20T09:00:01.000Z' }),
      shipped('n-1', { type: 'team.archived', data: { teamId: 'payments' } }),
    ];
    const { appended, conflicts } = await appendAndFind(changed);
    expect(appended).toEqual([]);
    expect(conflicts).toEqual(
      changed.map((c) => ({
        orgId,
        eventId: 'n-1',
        partition: 3,
        offset: c.offset,
        storedPosition: stored.position,
      })),
    );
  });

  it('finds a CloudEvent repeat by its source, and one repeated within the batch that stored it', async () => {
    const first = shipped('ce-2', { source: '/s', idScope: 'source' });
    const repeat = shipped('ce-2', { source: '/s', idScope: 'source' }, 'other');
    const { appended, conflicts } = await appendAndFind([first, repeat]);
    expect(appended).toHaveLength(1);
    expect(conflicts).toEqual([
      expect.objectContaining({
        eventId: 'ce-2',
        source: '/s',
        offset: repeat.offset,
        storedPosition: appended[0].position,
      }),
    ]);
  });
});

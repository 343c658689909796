import { randomUUID } from 'node:crypto';
import type { AcceptedEvent } from '@orgpulse/contracts';
import { testEnvironment } from '@orgpulse/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { COPY_AT_LEAST } from '../database/batch-rows';
import { inLine } from '../database/statement-line';
import {
  EVENT_STORE_POSITIONS,
  type EventToAppend,
  EventStoreRepository,
  StoredAlreadyError,
} from './event-store.repository';

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

  // a few events go by JSON; from COPY_AT_LEAST (a transaction's batch padded with other events) by COPY
  const ways = [
    ['JSON', 0],
    ['COPY', COPY_AT_LEAST],
  ] as const;
  const padding = (way: string, n: number, prefix: string): EventToAppend[] =>
    Array.from({ length: n }, (_, i) => ({
      event: blocked(`${way}-${prefix}-pad-${i}`, '2026-11-01T09:00:00.000Z'),
      subject: `team:${way}-padding`,
      partition: 0,
      offset: String(1_000 + i),
    }));
  const append = (batch: EventToAppend[]) =>
    db.transaction((tx) => new EventStoreRepository(tx).append(batch));

  it.each(ways)(
    'by %s, keeps every character of an event as sent (what COPY text escapes: backslash, tab, newline, CR)',
    async (way, pad) => {
      const id = `${way}-awkward`;
      const awkward = {
        ...blocked(id, '2026-11-18T09:00:00.000Z'),
        source: 'tab\there\\N',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        data: {
          teamId: 'payments',
          reason: 'dependency',
          note: 'a\\b\tc\nd\re "quoted" \\N \\\\t ünïcødé 🚀 \u2028 ',
          empty: '',
          nested: { list: [1, 'x\\y', null, true, 1.5e-7] },
        },
      } as unknown as AcceptedEvent; // any JSON a payload may hold
      const appended = await append([
        { event: awkward, subject: `team:${id}`, partition: 2, offset: '3' },
        ...padding(way, pad, 'awkward'),
      ]);
      expect(appended).toHaveLength(1 + pad);
      const [stored] = await store.readHistories([{ orgId, subject: `team:${id}` }]);
      const { traceparent, ...read } = awkward; // histories carry no trace context
      expect(stored.event).toEqual(read);
      expect(stored.position).toBe(appended[0].position);
      const rows: { traceparent: string }[] = await db.query(
        `SELECT traceparent FROM event_store WHERE org_id = $1 AND event_id = $2`,
        [orgId, id],
      );
      expect(rows).toEqual([{ traceparent }]);
    },
  );

  it.each(ways)(
    'by %s, appends two batches in one transaction, each returning only its own new events',
    async (way, pad) => {
      const [t1, t2] = [`${way}-t1`, `${way}-t2`];
      const ids = await db.transaction(async (tx) => {
        const tracked = new EventStoreRepository(tx);
        const one = await tracked.append([
          {
            event: blocked(t1, '2026-11-10T09:00:00.000Z'),
            subject: `team:${way}-tx`,
            partition: 0,
            offset: '10',
          },
          ...padding(way, pad, 'one'),
        ]);
        const two = await tracked.append([
          {
            event: blocked(t1, '2026-11-10T09:00:00.000Z'),
            subject: `team:${way}-tx`,
            partition: 0,
            offset: '11',
          },
          {
            event: blocked(t2, '2026-11-11T09:00:00.000Z'),
            subject: `team:${way}-tx`,
            partition: 0,
            offset: '12',
          },
          ...padding(way, pad, 'two'),
        ]);
        return [one.map((e) => e.event.id), two.map((e) => e.event.id)];
      });
      expect(ids[0]).toEqual([t1, ...padding(way, pad, 'one').map((e) => e.event.id)]);
      expect(ids[1]).toEqual([t2, ...padding(way, pad, 'two').map((e) => e.event.id)]);
      const history = await store.readHistories([{ orgId, subject: `team:${way}-tx` }]);
      expect(history.map((e) => e.event.id)).toEqual([t1, t2]);
    },
  );

  it.each(ways)('by %s, keeps the first of two events with one id in a batch', async (way, pad) => {
    const first = blocked(`${way}-dup`, '2026-11-12T09:00:00.000Z');
    const second = { ...first, data: { teamId: 'payments', reason: 'capacity' } } as unknown as AcceptedEvent;
    const appended = await append([
      { event: first, subject: `team:${way}-dup`, partition: 0, offset: '20' },
      ...padding(way, pad, 'dup'),
      { event: second, subject: `team:${way}-dup`, partition: 0, offset: '21' },
    ]);
    expect(appended.filter((e) => e.event.id === first.id).map((e) => e.event.data)).toEqual([first.data]);
    const [stored] = await store.readHistories([{ orgId, subject: `team:${way}-dup` }]);
    expect(stored.event.data).toEqual(first.data);
  });

  it('by COPY, new events go straight into the store with drawn positions; a redelivery falls back to ON CONFLICT', async () => {
    const batch = (prefix: string) => padding('straight', COPY_AT_LEAST, prefix);
    const sending = (tx: EntityManager) => {
      const sent: string[] = [];
      const recording = new Proxy(tx, {
        get: (target, key, receiver) =>
          key === 'query'
            ? (sql: string, params?: unknown[]) => {
                sent.push(sql.trim().split(/\s+/).slice(0, 3).join(' '));
                return target.query(sql, params);
              }
            : (Reflect.get(target, key, receiver) as unknown),
      });
      return { store: new EventStoreRepository(recording), sent };
    };
    const fresh = await db.transaction(async (tx) => {
      const { store: tracked, sent } = sending(tx);
      return { appended: await tracked.append(batch('new')), sent };
    });
    expect(fresh.sent).toContain('RELEASE SAVEPOINT event_store_append');
    expect(fresh.sent.filter((s) => s.startsWith('INSERT INTO event_store'))).toEqual([]);
    const positions = fresh.appended.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(COPY_AT_LEAST);
    const stored = await store.readHistories([{ orgId, subject: 'team:straight-padding' }]);
    expect(new Map(stored.map((e) => [e.event.id, e.position]))).toEqual(
      new Map(fresh.appended.map((e) => [e.event.id, e.position])),
    );

    // the same records again, with one new event among them: only that one is appended
    const again = await db.transaction(async (tx) => {
      const { store: tracked, sent } = sending(tx);
      const redelivered = [...batch('new'), ...batch('more').slice(0, 1)];
      return { appended: await tracked.append(redelivered), sent };
    });
    expect(again.sent.filter((s) => s.includes('SAVEPOINT'))).toEqual([
      'SAVEPOINT event_store_append',
      'ROLLBACK TO SAVEPOINT',
      'RELEASE SAVEPOINT event_store_append',
    ]);
    expect(again.appended.map((e) => e.event.id)).toEqual(['straight-more-pad-0']);
    expect(await store.readHistories([{ orgId, subject: 'team:straight-padding' }])).toHaveLength(
      COPY_AT_LEAST + 1,
    );
  });

  it.each([
    ['first', 0],
    ['last', 599],
  ])(
    'by COPY, a batch of several chunks repeating a stored event %s falls back and appends the rest',
    async (where, at) => {
      const big = (i: number): EventToAppend => ({
        event: {
          ...blocked(`chunks-${where}-${i}`, '2026-11-02T09:00:00.000Z'),
          data: { teamId: 'payments', reason: 'dependency', note: 'x'.repeat(300) },
        } as AcceptedEvent,
        subject: `team:chunks-${where}`,
        partition: 0,
        offset: String(i),
      });
      const [stored] = await append([big(at)]); // by JSON: one event
      const batch = Array.from({ length: 600 }, (_, i) => big(i)); // over 96 KiB of COPY text
      const appended = await append(batch);
      expect(appended.map((e) => e.event.id)).toEqual(
        batch.filter((_, i) => i !== at).map((e) => e.event.id),
      );
      const history = await store.readHistories([{ orgId, subject: `team:chunks-${where}` }]);
      expect(history).toHaveLength(600);
      expect(history.find((e) => e.event.id === stored.event.id)?.position).toBe(stored.position);
    },
  );

  describe('appendAhead: the COPY runs on while the transaction goes on', () => {
    const aheadOrg = randomUUID();
    const batch = (prefix: string, n = COPY_AT_LEAST): EventToAppend[] =>
      padding('ahead', n, prefix).map((e) => ({ ...e, event: { ...e.event, orgId: aheadOrg } }));
    const countIn = async (tx: EntityManager) =>
      (
        await tx.query<{ n: number }[]>('SELECT count(*)::int AS n FROM event_store WHERE org_id = $1', [
          aheadOrg,
        ])
      )[0].n;

    it("returns the events at once; in the connection's line, a statement asked for before `write` runs before the COPY, one after it after", async () => {
      const { appended, before, after } = await db.transaction(async (tx) => {
        const ahead = await new EventStoreRepository(tx).appendAhead(batch('new'));
        const counted = [countIn(inLine(tx)), ahead?.write(), countIn(inLine(tx))] as const;
        await counted[1];
        return { appended: ahead?.appended ?? [], before: await counted[0], after: await counted[2] };
      });
      expect([before, after]).toEqual([0, COPY_AT_LEAST]);
      const positions = appended.map((e) => e.position);
      expect(new Set(positions).size).toBe(COPY_AT_LEAST);
      const stored = await store.readHistories([{ orgId: aheadOrg, subject: 'team:ahead-padding' }]);
      expect(new Map(stored.map((e) => [e.event.id, e.position]))).toEqual(
        new Map(appended.map((e) => [e.event.id, e.position])),
      );
    });

    it('a batch repeating a stored event: `write` rejects with StoredAlreadyError and the transaction is lost', async () => {
      await db.transaction((tx) => new EventStoreRepository(tx).append(batch('stored')));
      const redelivered = [...batch('stored'), ...batch('more', 1)];
      await expect(
        db.transaction(async (tx) => {
          const ahead = await new EventStoreRepository(tx).appendAhead(redelivered);
          expect(ahead?.appended).toHaveLength(COPY_AT_LEAST + 1);
          await ahead?.write();
        }),
      ).rejects.toBeInstanceOf(StoredAlreadyError);
      expect(
        await store.readHistories([{ orgId: aheadOrg, subject: 'team:ahead-padding' }]),
      ).not.toContainEqual(
        expect.objectContaining({ event: expect.objectContaining({ id: 'ahead-more-pad-0' }) }),
      );
    });

    it.each([
      ['a small batch', () => batch('small', COPY_AT_LEAST - 1)],
      ['a batch repeating an event within it', () => [...batch('twice'), ...batch('twice', 1)]],
    ])('%s is not COPYed ahead (undefined: `append` decides)', async (_what, of) => {
      const ahead = await db.transaction((tx) => new EventStoreRepository(tx).appendAhead(of()));
      expect(ahead).toBeUndefined();
    });

    it('outside a transaction nothing is COPYed ahead', async () => {
      expect(await store.appendAhead(batch('outside'))).toBeUndefined();
    });
  });

  it.each([
    ['UPDATE', `UPDATE event_store SET type = 'team.unblocked' WHERE org_id = $1`],
    ['DELETE', `DELETE FROM event_store WHERE org_id = $1`],
  ])('refuses %s: the store is append-only', async (_op, sql) => {
    await expect(db.query(sql, [orgId])).rejects.toThrow(/event_store is append-only/);
    const rows: unknown[] = await db.query('SELECT 1 FROM event_store WHERE org_id = $1', [orgId]);
    // e1 and e2, then per way the awkward one, t1, t2 and the first dup, each batch with its padding, then
    // the batch that went straight in and the one new event of its redelivery, and the two batches of chunks
    expect(rows).toHaveLength(
      2 + ways.reduce((n, [, pad]) => n + 4 + 4 * pad, 0) + COPY_AT_LEAST + 1 + 1_200,
    );
  });

  it("draws positions from the sequence PostgreSQL made for the store's identity column", async () => {
    const [{ sequence }] = await db.query<{ sequence: boolean }[]>(
      `SELECT pg_get_serial_sequence('event_store', 'position')::regclass = $1::regclass AS sequence`,
      [EVENT_STORE_POSITIONS],
    );
    expect(sequence).toBe(true);
  });

  it('refuses TRUNCATE', async () => {
    await expect(db.query('TRUNCATE event_store')).rejects.toThrow(/event_store is append-only/);
  });
});

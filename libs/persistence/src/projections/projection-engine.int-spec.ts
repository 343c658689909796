import { randomUUID } from 'node:crypto';
import { type AcceptedEvent, subjectOf } from '@orgpulse/contracts';
import {
  type AnyReadModel,
  type PersonHead,
  READ_MODELS,
  personReadModel,
  teamReadModel,
} from '@orgpulse/domain';
import { testEnvironment } from '@orgpulse/testing';
import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { COPY_AT_LEAST } from '../database/batch-rows';
import { TURN_MS } from '../database/io-turns';
import { EventStoreRepository } from '../event-store/event-store.repository';
import { holdProjectionLockShared } from './projection-lock';
import { ProjectionEngine } from './projection-engine';
import { ReadModelStore } from './read-model.store';

/** The statements a transaction's manager is asked for, and how many have not settled yet. */
function watched(tx: EntityManager) {
  const sent: string[] = [];
  const state = { inFlight: 0 };
  const manager = new Proxy(tx, {
    get: (target, key, receiver) =>
      key === 'query'
        ? async (sql: string, params?: unknown[]) => {
            sent.push(sql.trim().split(/\s+/)[0]);
            state.inFlight += 1;
            try {
              return (await target.query(sql, params)) as unknown;
            } finally {
              state.inFlight -= 1;
            }
          }
        : (Reflect.get(target, key, receiver) as unknown),
  });
  return { manager, sent, state };
}

/** Each read model's statements run as a chain of their own on the transaction's connection. */
describe('the projection engine runs the read models side by side in one transaction (PostgreSQL)', () => {
  let db: DataSource;
  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
  });
  afterAll(() => db.destroy());

  const events = (orgId: string): AcceptedEvent[] =>
    [
      ['team.registered', { teamId: 'side', name: 'Side', headcount: 4 }],
      ['person.registered', { personId: 'ann', role: 'pm', managerId: 'mia' }],
      ['person.registered', { personId: 'bo', role: 'engineer', managerId: 'mia' }],
    ].map(
      ([type, data], i) =>
        ({
          id: `side-${i}`,
          type: type as AcceptedEvent['type'],
          version: 1,
          orgId,
          occurredAt: `2026-03-02T0${i}:00:00.000Z`,
          ingestedAt: '2026-03-02T12:00:00.000Z',
          data: data as Record<string, unknown>,
        }) as AcceptedEvent,
    );

  const appendIn = (tx: EntityManager, orgId: string) =>
    new EventStoreRepository(tx).append(
      events(orgId).map((e, i) => ({ event: e, subject: subjectOf(e), partition: 0, offset: String(i) })),
    );

  it('given every model, then the heads are those of the models applied one after the other', async () => {
    const [together, inTurn] = [randomUUID(), randomUUID()];
    await db.transaction(async (tx) => {
      await holdProjectionLockShared(tx);
      await new ProjectionEngine().apply(tx, await appendIn(tx, together));
    });
    await db.transaction(async (tx) => {
      await holdProjectionLockShared(tx);
      const appended = await appendIn(tx, inTurn);
      for (const model of READ_MODELS) await new ProjectionEngine([model]).apply(tx, appended);
    });
    const heads = async (orgId: string) =>
      await db.query<unknown[]>(
        `SELECT 'team' AS model, subject_id, state FROM team_head WHERE org_id = $1
         UNION ALL SELECT 'person', subject_id, state FROM person_head WHERE org_id = $1
         UNION ALL SELECT 'manager', subject_id, state FROM manager_head WHERE org_id = $1
         ORDER BY 1, 2`,
        [orgId],
      );
    expect(await heads(together)).toHaveLength(3);
    expect(await heads(together)).toEqual(await heads(inTurn));
  });

  it('given a model whose fold fails, then apply fails with that error once every chain has settled, and the others write nothing after it', async () => {
    const orgId = randomUUID();
    const failing: AnyReadModel = {
      ...teamReadModel,
      evolve: () => {
        throw new Error('the fold failed');
      },
    };
    const others = READ_MODELS.filter((m) => m.name !== teamReadModel.name);
    let seen: { sent: string[]; inFlight: number } | undefined;
    await expect(
      db.transaction(async (tx) => {
        await holdProjectionLockShared(tx);
        const appended = await appendIn(tx, orgId);
        const { manager, sent, state } = watched(tx);
        try {
          await new ProjectionEngine([failing, ...others]).apply(manager, appended);
        } finally {
          seen = { sent: [...sent], inFlight: state.inFlight };
        }
      }),
    ).rejects.toThrow('the fold failed');
    // nothing of the transaction was still running when it ended: no statement could follow its rollback
    expect(seen?.inFlight).toBe(0);
    // the team model failed on its heads as read; the person model's heads were read, never written
    expect(seen?.sent.length).toBeGreaterThan(1);
    expect(seen?.sent.every((s) => s === 'SELECT')).toBe(true);
    const written = await db.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM person_head WHERE org_id = $1',
      [orgId],
    );
    expect(written[0].n).toBe(0);
  });

  it("given a model PostgreSQL refuses while another's statement waits its turn, then apply fails with the refusal, not the aborted transaction the other met", async () => {
    const orgId = randomUUID();
    // a head PostgreSQL refuses: jsonb holds no NUL character
    const refused: AnyReadModel = {
      ...personReadModel,
      evolve: (head, fact) => ({ ...(personReadModel.evolve(head, fact) as PersonHead), note: '\u0000' }),
    };
    // the team model's statements wait behind the person model's failing one (it came first in the line)
    const failure = await db
      .transaction(async (tx) => {
        await holdProjectionLockShared(tx);
        await new ProjectionEngine([teamReadModel, refused]).apply(tx, await appendIn(tx, orgId));
      })
      .then(
        () => undefined,
        (error: unknown) => error as { code?: string; message: string },
      );
    expect(failure?.message).toMatch(/Unicode escape/);
    expect(failure?.code).not.toBe('25P02');
  });

  it('given a fold that runs long, then it lets the event loop in as it goes', async () => {
    const orgId = randomUUID();
    const teams = 20;
    let evolved = 0;
    let evolvedBeforeTheLoopCameIn: number | undefined;
    // each fact takes EVOLVE_MS of CPU: the whole fold is far longer than a slice (TURN_MS)
    const EVOLVE_MS = 1;
    const slow: AnyReadModel = {
      ...teamReadModel,
      evolve: (head, fact) => {
        if (evolved++ === 0) setImmediate(() => (evolvedBeforeTheLoopCameIn = evolved));
        const until = performance.now() + EVOLVE_MS;
        while (performance.now() < until);
        return teamReadModel.evolve(head, fact);
      },
    };
    const registered = Array.from({ length: teams }, (_, i): AcceptedEvent => ({
      id: `slow-${i}`,
      type: 'team.registered',
      version: 1,
      orgId,
      occurredAt: '2026-03-02T09:00:00.000Z',
      ingestedAt: '2026-03-02T12:00:00.000Z',
      data: { teamId: `slow-${i}`, name: `Slow ${i}`, headcount: 3 },
    }));
    await db.transaction(async (tx) => {
      await holdProjectionLockShared(tx);
      const appended = await new EventStoreRepository(tx).append(
        registered.map((e, i) => ({ event: e, subject: subjectOf(e), partition: 0, offset: String(i) })),
      );
      await new ProjectionEngine([slow]).apply(tx, appended);
    });
    expect(evolved).toBeGreaterThanOrEqual(teams);
    // within the first slice's facts (and the one that found it due); without turns, after every subject
    expect(evolvedBeforeTheLoopCameIn).toBeLessThanOrEqual(Math.ceil(TURN_MS / EVOLVE_MS) + 2);
  });

  it('given a stored week, when facts are appended to it, then its start is not sent again and stays as stored', async () => {
    const orgId = randomUUID();
    const sent: { week: number; startStored?: boolean }[][] = [];
    const appendWeeks = ReadModelStore.prototype.appendWeeks;
    const spy = jest.spyOn(ReadModelStore.prototype, 'appendWeeks').mockImplementation(function (
      this: ReadModelStore,
      tx,
      rows,
      version,
    ) {
      if (this.model.name === teamReadModel.name)
        sent.push(rows.map(({ week, startStored }) => ({ week, startStored })));
      return appendWeeks.call(this, tx, rows, version);
    });
    const team = (i: number, type: AcceptedEvent['type'], data: object): AcceptedEvent =>
      ({
        ...events(orgId)[0],
        id: `start-${i}`,
        type,
        occurredAt: `2026-03-0${2 + i}T09:00:00.000Z`,
        data: { teamId: 'side', ...data },
      }) as AcceptedEvent;
    const project = (batch: AcceptedEvent[]) =>
      db.transaction(async (tx) => {
        await holdProjectionLockShared(tx);
        const appended = await new EventStoreRepository(tx).append(
          batch.map((e, i) => ({ event: e, subject: subjectOf(e), partition: 0, offset: String(i) })),
        );
        await new ProjectionEngine([teamReadModel]).apply(tx, appended);
      });
    const starts = async () =>
      db.query<{ week: number; start_state: unknown }[]>(
        `SELECT week_ms::float8 AS week, start_state FROM team_weeks WHERE org_id = $1 ORDER BY week_ms`,
        [orgId],
      );
    try {
      await project([team(0, 'team.registered', { name: 'Side', headcount: 4 })]);
      const before = await starts();
      await project([team(1, 'team.blocked', { reason: 'dependency' }), team(2, 'team.unblocked', {})]);
      const week = before[0].week;
      expect(sent).toEqual([[{ week, startStored: undefined }], [{ week, startStored: true }]]);
      expect(await starts()).toEqual(before);
    } finally {
      spy.mockRestore();
    }
  });

  it('node-postgres is never asked for a query while one runs (its queue is deprecated): the statements and a COPY ahead take turns in the line', async () => {
    const orgId = randomUUID();
    // whether the client was running a query (or had one waiting) when asked for another: pg's own test
    type Busy = { _activeQuery: unknown; _queryQueue: unknown[] };
    const askedWhileBusy: boolean[] = [];
    const query = Client.prototype.query as (...args: unknown[]) => unknown;
    const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (
      this: Client,
      ...args: unknown[]
    ) {
      const client = this as unknown as Busy;
      askedWhileBusy.push(client._activeQuery != null || client._queryQueue.length > 0);
      return query.apply(this, args);
    });
    try {
      await db.transaction(async (tx) => {
        await holdProjectionLockShared(tx);
        // teams and people: two models side by side, and the store's COPY
        const batch = Array.from({ length: COPY_AT_LEAST }, (_, i) => ({
          ...events(orgId)[i % 3],
          id: `line-${i}`,
          occurredAt: new Date(Date.parse('2026-03-03T00:00:00.000Z') + i * 60_000).toISOString(),
        }));
        const ahead = await new EventStoreRepository(tx).appendAhead(
          batch.map((e, i) => ({ event: e, subject: subjectOf(e), partition: 0, offset: String(i) })),
        );
        const applying = new ProjectionEngine().apply(tx, ahead?.appended ?? []);
        await Promise.all([ahead?.write(), applying]);
      });
    } finally {
      spy.mockRestore();
    }
    expect(askedWhileBusy.length).toBeGreaterThan(5);
    expect(askedWhileBusy.filter(Boolean)).toEqual([]);
  });
});

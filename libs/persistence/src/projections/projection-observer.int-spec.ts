import { randomUUID } from 'node:crypto';
import { type AcceptedEvent, subjectOf } from '@orgpulse/contracts';
import type { AnyReadModel, PersonHead, TeamHead } from '@orgpulse/domain';
import { testEnvironment } from '@orgpulse/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { EventStoreRepository } from '../event-store/event-store.repository';
import { holdProjectionLockShared } from './projection-lock';
import { ProjectionEngine, type ProjectedSubject, type ProjectionObserver } from './projection-engine';

interface Told {
  model: string;
  subjects: ProjectedSubject[];
  /** the subjects' heads as stored when the observer was told */
  stored: Map<string, unknown>;
}

/** What an observer of live batches is told (alerting marks from it), on a real PostgreSQL. */
describe('the projection engine tells its observer each model’s subjects before writing them', () => {
  let db: DataSource;
  let told: Told[] = [];
  const observer: ProjectionObserver = {
    async projected(tx: EntityManager, model: AnyReadModel, subjects: readonly ProjectedSubject[]) {
      const rows: { subject_id: string; state: unknown }[] = await tx.query(
        `SELECT subject_id, state FROM ${model.name}_head WHERE org_id = $1 AND subject_id = ANY($2::text[])`,
        [subjects[0].orgId, subjects.map((s) => s.subjectId)],
      );
      told.push({
        model: model.name,
        subjects: [...subjects],
        stored: new Map(rows.map((r) => [r.subject_id, r.state])),
      });
    },
  };
  const engine = new ProjectionEngine(undefined, '', observer);
  let seq = 0;

  const event = (orgId: string, type: AcceptedEvent['type'], occurredAt: string, data: object) =>
    ({
      id: `o${(seq += 1)}`,
      type,
      version: 1,
      orgId,
      occurredAt,
      ingestedAt: occurredAt,
      data,
    }) as AcceptedEvent;
  const project = (events: AcceptedEvent[]) =>
    db.transaction(async (tx) => {
      told = [];
      await holdProjectionLockShared(tx);
      const appended = await new EventStoreRepository(tx).append(
        events.map((e, i) => ({ event: e, subject: subjectOf(e), partition: 0, offset: String(i) })),
      );
      await engine.apply(tx, appended);
    });

  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
  });
  afterAll(() => db.destroy());

  it('new subjects: no before; in order: the stored head; late: the stored head and the re-folded one', async () => {
    const orgId = randomUUID();
    const team = (type: AcceptedEvent['type'], at: string, data: object = {}) =>
      event(orgId, type, at, { teamId: 'obs', ...data });

    await project([
      team('team.registered', '2026-03-02T09:00:00.000Z', { name: 'Obs', headcount: 4 }),
      event(orgId, 'person.registered', '2026-03-02T10:00:00.000Z', {
        personId: 'ann',
        role: 'pm',
        managerId: 'mia',
      }),
    ]);
    // one call per model, each before its heads are written
    expect(told.map((t) => [t.model, t.subjects.map((s) => s.subjectId), t.stored.size])).toEqual([
      ['team', ['obs'], 0],
      ['person', ['ann'], 0],
    ]);
    const [first] = told[0].subjects;
    expect(first.before).toBeUndefined();
    expect(first.after).toMatchObject({ registered: true, headcount: 4 });
    expect(told[1].subjects[0].after).toMatchObject<Partial<PersonHead>>({ managerId: 'mia' });

    await project([team('team.blocked', '2026-03-10T09:00:00.000Z', { reason: 'dependency' })]);
    const [blocked] = told[0].subjects;
    expect(blocked.before).toEqual(told[0].stored.get('obs'));
    expect((blocked.before as TeamHead).block).toBeNull();
    expect((blocked.after as TeamHead).block).toMatchObject({
      since: Date.parse('2026-03-10T09:00:00.000Z'),
    });

    // dated before the team's latest event: its weeks are re-folded
    await project([
      team('discovery.interview-held', '2026-03-04T09:00:00.000Z'),
      team('delivery.shipped', '2026-03-05T09:00:00.000Z'),
    ]);
    const [late] = told[0].subjects;
    expect(late.before).toEqual(told[0].stored.get('obs'));
    expect((late.before as TeamHead).lastInterviewAt).toBeNull();
    expect(late.after).toMatchObject<Partial<TeamHead>>({
      lastInterviewAt: Date.parse('2026-03-04T09:00:00.000Z'),
      lastShipAt: Date.parse('2026-03-05T09:00:00.000Z'),
      block: expect.objectContaining({ since: Date.parse('2026-03-10T09:00:00.000Z') }) as TeamHead['block'],
    });
    expect([late.earliestAt, late.latestAt]).toEqual([
      Date.parse('2026-03-04T09:00:00.000Z'),
      Date.parse('2026-03-05T09:00:00.000Z'),
    ]);
  });
});

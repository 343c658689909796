import { randomUUID } from 'node:crypto';
import { type AcceptedEvent, Topics, subjectOf } from '@orgpulse/contracts';
import { METRICS, READ_MODELS, isoWeekStart } from '@orgpulse/domain';
import { COPY_AT_LEAST, ROW_FACTS, connectDatabase, rebuildProjections } from '@orgpulse/persistence';
import { measureStatements, readModelsVersusFold, testEnvironment } from '@orgpulse/testing';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { ProjectBatchHandler, type ProjectableRecord } from './project-batch.handler';

const TEAMS = ['alpha', 'beta'];
const PEOPLE = ['ana', 'bo', 'cy'];
const MANAGERS = ['mia', 'max'];
const PARTITIONS = 3;
const BASE = Date.parse('2026-01-05T00:00:00Z');
const IDENTITY = { clusterId: 'property-cluster', topicId: 'property-topic' };
const at = (partition: number) => ({ topic: Topics.events, partition, identity: IDENTITY });

// the core models' ten kinds of events, then each metric folder's example event
const KINDS = 10 + METRICS.length;

/** One event of any subject kind every registered read model follows. */
const draftArb = fc.record({
  kind: fc.integer({ min: 0, max: KINDS - 1 }),
  subject: fc.nat(),
  other: fc.nat(),
  hour: fc.integer({ min: 0, max: 48 }), // a small range: ties and late events are common
  size: fc.integer({ min: 0, max: 12 }),
  org: fc.integer({ min: 0, max: 1 }),
});
type Draft = typeof draftArb extends fc.Arbitrary<infer D> ? D : never;

const COMPETENCIES = ['discovery', 'delivery', 'discovery', 'hiring'];

function toEvent(orgIds: string[], d: Draft, i: number): AcceptedEvent {
  const team = TEAMS[d.subject % TEAMS.length];
  const person = PEOPLE[d.subject % PEOPLE.length];
  const manager = MANAGERS[d.subject % MANAGERS.length];
  const metric = METRICS[d.kind - 10];
  const subjectIds = { team, person, manager, group: `g${d.subject % 2}` };
  const [type, data] = metric
    ? (({ type, data }) => [type, data] as const)(
        metric.example(subjectIds[metric.readModel.subjectKind], d.size),
      )
    : (
        [
          [
            'team.registered',
            { teamId: team, name: `${team}-${d.size}`, headcount: d.size, groupId: `g${d.size % 2}` },
          ],
          [
            'team.blocked',
            {
              teamId: team,
              reason: d.size % 2 ? 'dependency' : 'environment',
              blockedBy: TEAMS[d.other % 2],
            },
          ],
          ['team.unblocked', { teamId: team }],
          ['team.archived', { teamId: team }],
          ['discovery.interview-held', { teamId: team, participantRoles: ['pm', 'designer'] }],
          ['delivery.shipped', { teamId: team }],
          ['person.registered', { personId: person, role: 'engineer', managerId: MANAGERS[d.other % 2] }],
          [
            'person.manager-changed',
            { personId: person, managerId: d.size % 3 ? MANAGERS[d.other % 2] : null },
          ],
          [
            'one-on-one.held',
            {
              managerId: manager,
              reportId: PEOPLE[d.other % PEOPLE.length],
              // a competency named twice in one 1:1 now and then: the later entry is the level
              ratings: COMPETENCIES.slice(0, d.size % 4).map((competency, i) => ({
                competency,
                level: 1 + ((d.size + i) % 5),
              })),
            },
          ],
          [
            'coaching.plan-set',
            {
              personId: person,
              competencies: ['discovery', 'delivery', 'hiring']
                .slice(d.other % 2, 2 + (d.size % 2))
                .map((name, i) => ({
                  name,
                  target: 1 + ((d.size + i) % 5),
                })),
            },
          ],
        ] as const
      )[d.kind];
  return {
    id: `e${i}`,
    type,
    version: 1,
    orgId: orgIds[d.org],
    occurredAt: new Date(BASE + d.hour * 3_600_000).toISOString(),
    ingestedAt: '2026-01-10T00:00:00.000Z',
    data,
  } as AcceptedEvent;
}

const scenarioArb = fc.record({
  drafts: fc.array(draftArb, { minLength: 20, maxLength: 80 }),
  duplicates: fc.array(fc.nat(), { maxLength: 10 }),
  seed: fc.integer(),
  // mostly in occurrence order with a few late events, or shuffled through and through
  lateSwaps: fc.option(fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }), { nil: undefined }),
  batchSizes: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 20 }),
  // which of two projector instances holds each partition at each step: partitions move between them
  owners: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 30 }),
});

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function arrivalOrder(
  events: AcceptedEvent[],
  seed: number,
  lateSwaps?: [number, number][],
): AcceptedEvent[] {
  if (!lateSwaps) return shuffle(events, seed);
  const ordered = [...events].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  for (const [i, j] of lateSwaps) {
    const [a, b] = [i % ordered.length, j % ordered.length];
    [ordered[a], ordered[b]] = [ordered[b], ordered[a]];
  }
  return ordered;
}

const partitionOf = (event: AcceptedEvent) =>
  [...`${event.orgId}/${subjectOf(event)}`].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) %
  PARTITIONS;

/** The events of these partitions as one batch each, every record at its partition's next offset (moved on). */
const partitionBatches = (
  events: readonly AcceptedEvent[],
  partitions: readonly number[],
  offsets: number[],
) =>
  partitions.flatMap((partition) => {
    const records: ProjectableRecord[] = events
      .filter((e) => partitionOf(e) === partition)
      .map((event) => ({ offset: String(offsets[partition]++), subject: subjectOf(event), event }));
    return records.length === 0
      ? []
      : [{ at: at(partition), records, letters: [], nextOffset: String(offsets[partition]) }];
  });

/** An event about `teamId` of `orgId` at `when`. */
const teamEvent = (orgId: string, teamId: string, id: string, type: AcceptedEvent['type'], when: number) =>
  ({
    id,
    type,
    version: 1,
    orgId,
    occurredAt: new Date(when).toISOString(),
    ingestedAt: '2026-01-10T00:00:00.000Z',
    data: { teamId },
  }) as AcceptedEvent;

describe('every registered read model: incremental = from-scratch fold = rebuild (property, real PostgreSQL)', () => {
  jest.setTimeout(600_000);
  let db: DataSource;
  const query = <T>(sql: string, params: unknown[] = []) => db.query<T[]>(sql, params);

  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
  });
  afterAll(() => db.destroy());

  it(`holds for ${READ_MODELS.map((m) => m.name).join(', ')} under shuffled arrival, duplicates, late events, many orgs and moving partitions`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ drafts, duplicates, seed, lateSwaps, batchSizes, owners }) => {
        const orgIds = [randomUUID(), randomUUID()];
        const group = `property-${randomUUID()}`;
        const instances = [new ProjectBatchHandler(db, group), new ProjectBatchHandler(db, group)];
        const events = drafts.map((d, i) => toEvent(orgIds, d, i));
        const arrivals = arrivalOrder(
          [...events, ...duplicates.map((d) => events[d % events.length])],
          seed,
          lateSwaps,
        );

        const nextOffset = Array.from({ length: PARTITIONS }, () => 0);
        let cursor = 0;
        for (let step = 0; cursor < arrivals.length; step++) {
          const batch = arrivals.slice(cursor, cursor + batchSizes[step % batchSizes.length]);
          cursor += batch.length;
          // each instance projects the partitions it holds now, all of them in one transaction
          for (const [instance, handler] of instances.entries()) {
            const held = [...Array(PARTITIONS).keys()].filter(
              (p) => owners[(step + p) % owners.length] === instance,
            );
            const batches = partitionBatches(batch, held, nextOffset);
            if (batches.length > 0) await handler.projectAll(batches);
          }
        }

        for (const orgId of orgIds) {
          const { stored, folded } = await readModelsVersusFold({ query }, orgId);
          expect(stored).toEqual(folded);
        }
        await rebuildProjections(db);
        for (const orgId of orgIds) {
          const { stored, folded } = await readModelsVersusFold({ query }, orgId);
          expect(stored).toEqual(folded);
        }
      }),
      { numRuns: 30 },
    );
  });

  it.each([
    ['two years (about a hundred weeks)', 2 * 365 * 24, 4],
    ['two busy weeks (each stored as many rows)', 2 * 7 * 24, 2],
  ])(
    'holds for histories of thousands of events per subject over %s with late events deep inside them',
    async (_, hours, numRuns) => {
      const longDraftArb = fc.record({
        kind: fc.integer({ min: 0, max: KINDS - 1 }),
        subject: fc.constant(0),
        other: fc.nat(),
        hour: fc.integer({ min: 0, max: hours }),
        size: fc.integer({ min: 0, max: 12 }),
        org: fc.constant(0),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(longDraftArb, { minLength: 3_000, maxLength: 3_000 }),
          fc.array(fc.integer({ min: 0, max: 2_999 }), { minLength: 1, maxLength: 5 }),
          fc.integer({ min: 50, max: 400 }),
          async (drafts, lateOnes, batchSize) => {
            const orgId = randomUUID();
            const handler = new ProjectBatchHandler(db, `long-${orgId}`);
            const ordered = drafts
              .map((d, i) => toEvent([orgId, orgId], d, i))
              .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
            const late = new Set(lateOnes);
            // the late ones arrive after everything else, each far behind its subject's latest event
            const arrivals = [
              ...ordered.filter((_, i) => !late.has(i)),
              ...ordered.filter((_, i) => late.has(i)),
            ];
            const offsets = Array.from({ length: PARTITIONS }, () => 0);
            for (let cursor = 0; cursor < arrivals.length; cursor += batchSize) {
              const slice = arrivals.slice(cursor, cursor + batchSize);
              await handler.projectAll(partitionBatches(slice, [...Array(PARTITIONS).keys()], offsets));
            }
            const { stored, folded } = await readModelsVersusFold({ query }, orgId);
            expect(stored).toEqual(folded);
          },
        ),
        { numRuns },
      );
    },
  );

  it('given a team with a long history, when one late interview lands deep inside it, then only the weeks up to its next interview are rewritten', async () => {
    const orgId = randomUUID();
    const handler = new ProjectBatchHandler(db, `refold-${orgId}`);
    const WEEK = 7 * 24 * 3_600_000;
    const event = (i: number, type: AcceptedEvent['type'], when: number) =>
      teamEvent(orgId, 'alpha', `r${i}`, type, when);
    // 100 weeks: a ship every week, an interview every 10th week
    const history = Array.from({ length: 100 }, (_, w) =>
      w % 10 === 0
        ? event(w, 'discovery.interview-held', BASE + w * WEEK + 3_600_000)
        : event(w, 'delivery.shipped', BASE + w * WEEK + 3_600_000),
    );
    const records = (events: AcceptedEvent[], from: number) =>
      events.map((e, i) => ({ offset: String(from + i), subject: subjectOf(e), event: e }));
    await handler.project(at(0), records(history, 0), [], String(history.length));
    const before = await query<{ week: string; version: string }>(
      `SELECT week_ms::text AS week, version::text FROM team_weeks WHERE org_id = $1 ORDER BY week_ms`,
      [orgId],
    );
    // an interview in week 42: the weeks after it start from another lastInterviewAt until week 50's interview
    await handler.project(
      at(0),
      records([event(1_000, 'discovery.interview-held', BASE + 42 * WEEK + 7_200_000)], history.length),
      [],
      String(history.length + 1),
    );
    const after = await query<{ week: string; version: string }>(
      `SELECT week_ms::text AS week, version::text FROM team_weeks WHERE org_id = $1 ORDER BY week_ms`,
      [orgId],
    );
    const rewritten = after
      .filter((w, i) => w.version !== before[i].version)
      .map((w) => (Number(w.week) - isoWeekStart(BASE)) / WEEK);
    expect(rewritten).toEqual([42, 43, 44, 45, 46, 47, 48, 49, 50]);
    const { stored, folded } = await readModelsVersusFold({ query }, orgId);
    expect(stored).toEqual(folded);
  });

  it('given a team with a busy week, when its facts come batch after batch and late ones land inside it, then each append rewrites a row of at most ROW_FACTS facts, and the rows read as the fold says', async () => {
    const orgId = randomUUID();
    const handler = new ProjectBatchHandler(db, `busy-${orgId}`);
    const MINUTE = 60_000;
    const event = (i: number, type: AcceptedEvent['type'], when: number) =>
      teamEvent(orgId, 'busy', `b${i}`, type, when);
    // a thousand events a minute apart (about 17 hours of one week), 20 a transaction
    const busy = Array.from({ length: 1_000 }, (_, i) =>
      event(i, i % 7 === 0 ? 'discovery.interview-held' : 'delivery.shipped', BASE + 3_600_000 + i * MINUTE),
    );
    const late = [10.5, 300.5, 700.5, 990.5].map((m, i) =>
      event(2_000 + i, 'discovery.interview-held', BASE + 3_600_000 + m * MINUTE),
    );
    const arrivals = [...busy, ...late];
    /** the largest row each transaction wrote (its rows carry its version: the store position it reached) */
    const written: number[] = [];
    for (let from = 0; from < arrivals.length; from += 20) {
      const slice = arrivals.slice(from, from + 20);
      await handler.project(
        at(0),
        slice.map((e, i) => ({ offset: String(from + i), subject: subjectOf(e), event: e })),
        [],
        String(from + slice.length),
      );
      const [{ n }] = await query<{ n: number }>(
        `SELECT max(jsonb_array_length(facts))::int AS n FROM team_weeks
          WHERE org_id = $1 AND version = (SELECT max(position) FROM event_store WHERE org_id = $1)`,
        [orgId],
      );
      written.push(n);
    }
    // the week of 1,000 facts is many rows; a late fact joins the row that covers it
    expect(Math.max(...written.slice(0, busy.length / 20))).toBe(ROW_FACTS);
    expect(written.at(-1)).toBe(ROW_FACTS + 1);
    const [{ rows }] = await query<{ rows: number }>(
      `SELECT count(*)::int AS rows FROM team_weeks WHERE org_id = $1`,
      [orgId],
    );
    expect(rows).toBe(Math.ceil(busy.length / ROW_FACTS));
    const live = await readModelsVersusFold({ query }, orgId);
    expect(live.stored).toEqual(live.folded);
    // a rebuild splits the week as live batches do (the late facts now in order among the others)
    await rebuildProjections(db);
    const rebuilt = await readModelsVersusFold({ query }, orgId);
    expect(rebuilt.stored).toEqual(rebuilt.folded);
    const sizes = await query<{ n: number }>(
      `SELECT jsonb_array_length(facts)::int AS n FROM team_weeks WHERE org_id = $1 ORDER BY week_ms`,
      [orgId],
    );
    const full = Math.floor(arrivals.length / ROW_FACTS);
    expect(sizes.map((r) => r.n)).toEqual([
      ...Array(full).fill(ROW_FACTS),
      arrivals.length - full * ROW_FACTS,
    ]);
  });

  it('given a batch of one late fact and a hundred after it (a projector catching up), then the facts after the last row fill rows of ROW_FACTS as in order', async () => {
    const orgId = randomUUID();
    const handler = new ProjectBatchHandler(db, `catch-up-${orgId}`);
    const MINUTE = 60_000;
    const event = (i: number, when: number) =>
      teamEvent(orgId, 'catching-up', `c${i}`, 'delivery.shipped', when);
    const first = Array.from({ length: 10 }, (_, i) => event(i, BASE + 3_600_000 + i * MINUTE));
    const batch = [
      event(100, BASE + 3_600_000 + 4.5 * MINUTE),
      ...Array.from({ length: 100 }, (_, i) => event(200 + i, BASE + 3_600_000 + (20 + i) * MINUTE)),
    ];
    const records = (events: AcceptedEvent[], from: number) =>
      events.map((e, i) => ({ offset: String(from + i), subject: subjectOf(e), event: e }));
    await handler.project(at(0), records(first, 0), [], String(first.length));
    await handler.project(at(0), records(batch, first.length), [], String(first.length + batch.length));
    const sizes = await query<{ n: number }>(
      `SELECT jsonb_array_length(facts)::int AS n FROM team_weeks WHERE org_id = $1 ORDER BY week_ms`,
      [orgId],
    );
    // the stored row takes the late fact and fills up to ROW_FACTS with the later ones
    expect(sizes.map((r) => r.n)).toEqual([ROW_FACTS, ROW_FACTS, ROW_FACTS, 111 - 3 * ROW_FACTS]);
    const { stored, folded } = await readModelsVersusFold({ query }, orgId);
    expect(stored).toEqual(folded);
  });

  it.each(METRICS.map((m) => [m.readModel.name, m] as const))(
    'given a subject with a hundred weeks of %s facts, when one late fact lands deep inside them, then only a few weeks are rewritten',
    async (name, metric) => {
      const orgId = randomUUID();
      const handler = new ProjectBatchHandler(db, `refold-${name}-${orgId}`);
      const WEEK = 7 * 24 * 3_600_000;
      const subjectId = 'deep';
      const event = (i: number, when: number): AcceptedEvent => {
        const { type, data } = metric.example(subjectId, i);
        return {
          id: `m${i}`,
          type,
          version: 1,
          orgId,
          occurredAt: new Date(when).toISOString(),
          ingestedAt: '2026-01-10T00:00:00.000Z',
          data,
        } as AcceptedEvent;
      };
      const history = Array.from({ length: 100 }, (_, w) => event(w, BASE + w * WEEK + 3_600_000));
      const records = (events: AcceptedEvent[], from: number) =>
        events.map((e, i) => ({ offset: String(from + i), subject: subjectOf(e), event: e }));
      const weeks = () =>
        query<{ week: string; version: string }>(
          `SELECT week_ms::text AS week, version::text FROM ${name}_weeks WHERE org_id = $1 ORDER BY week_ms`,
          [orgId],
        );
      await handler.project(at(0), records(history, 0), [], String(history.length));
      const before = await weeks();
      expect(before).toHaveLength(100);
      await handler.project(
        at(0),
        records([event(1_000, BASE + 42 * WEEK + 7_200_000)], history.length),
        [],
        String(history.length + 1),
      );
      const rewritten = (await weeks()).filter((w, i) => w.version !== before[i].version);
      // a head that every fact moves (a running count) would rewrite the 58 weeks after it
      expect(rewritten.length).toBeLessThanOrEqual(2);
      const { stored, folded } = await readModelsVersusFold({ query }, orgId);
      expect(stored).toEqual(folded);
    },
  );

  it('a large batch of events stored already under other offsets (a second group, a replayed topic) appends only the new one, and its read models are the fold', async () => {
    const orgId = randomUUID();
    const types = ['team.blocked', 'team.unblocked'] as const;
    const events = Array.from({ length: COPY_AT_LEAST + 6 }, (_, i) =>
      teamEvent(orgId, 'alpha', `again-${i}`, types[i % 2], BASE + i * 3_600_000),
    );
    const records = (batch: AcceptedEvent[]) =>
      batch.map((e, i) => ({ offset: String(i), subject: subjectOf(e), event: e }));
    const first = new ProjectBatchHandler(db, `stored-first-${orgId}`);
    expect(await first.project(at(0), records(events), [], String(events.length))).toMatchObject({
      appended: events.length,
    });
    // COPYed ahead, the batch meets the stored events: that transaction is lost and the batch decided event by event
    const more = [...events, teamEvent(orgId, 'alpha', 'again-new', 'team.blocked', BASE + 999 * 3_600_000)];
    const second = new ProjectBatchHandler(db, `stored-second-${orgId}`);
    expect(await second.project(at(0), records(more), [], String(more.length))).toEqual({
      appended: 1,
      duplicates: events.length,
      skippedAlreadyProjected: 0,
      deadLettered: 0,
      conflicts: [],
    });
    expect(await second.storedOffset(Topics.events, 0)).toMatchObject({ nextOffset: String(more.length) });
    const { stored, folded } = await readModelsVersusFold({ query }, orgId);
    expect(stored).toEqual(folded);
  });

  it("a large batch's transaction looks for its batch tables once, in its first statement, not before each COPY; a small one, which COPYs nothing, not at all", async () => {
    const orgId = randomUUID();
    // teams enough that heads and weeks go by COPY
    const events = Array.from({ length: 2 * COPY_AT_LEAST }, (_, i) =>
      teamEvent(orgId, `team-${i}`, `round-trip-${i}`, 'team.blocked', BASE + i * 60_000),
    );
    const records = events.map((e, i) => ({ offset: String(i), subject: subjectOf(e), event: e }));
    const measured = measureStatements(db);
    const handler = new ProjectBatchHandler(measured.db, `round-trips-${orgId}`);
    expect(await handler.project(at(0), records, [], String(events.length))).toMatchObject({
      appended: events.length,
    });
    const sent = measured.statements.map((st) => st.sql);
    const copiedFrom = sent.filter((sql) => /WITH staged AS \(DELETE FROM \w+_batch_/.test(sql));
    expect(copiedFrom.length).toBeGreaterThanOrEqual(2);
    expect(sent.filter((sql) => sql.includes('CREATE TEMP TABLE'))).toEqual([sent[0]]);
    expect(sent[0]).toMatch(
      /^SET LOCAL synchronous_commit = off;\nSELECT pg_advisory_xact_lock_shared\(\d+\);\nDO/,
    );
    const small = measureStatements(db);
    const late = teamEvent(orgId, 'team-0', 'round-trip-small', 'team.unblocked', BASE + 3_600_000);
    await new ProjectBatchHandler(small.db, `round-trips-${orgId}`).project(
      at(0),
      [{ offset: String(events.length), subject: subjectOf(late), event: late }],
      [],
      String(events.length + 1),
    );
    expect(small.statements[0].sql).toMatch(
      /^SET LOCAL synchronous_commit = off;\nSELECT pg_advisory_xact_lock_shared\(\d+\)$/,
    );
    expect(small.statements.filter((st) => st.sql.includes('CREATE TEMP TABLE'))).toEqual([]);
    const { stored, folded } = await readModelsVersusFold({ query }, orgId);
    expect(stored).toEqual(folded);
  });

  it('a redelivered batch (offsets already stored) changes nothing', async () => {
    const orgId = randomUUID();
    const handler = new ProjectBatchHandler(db, `redelivery-${orgId}`);
    const event = toEvent([orgId, orgId], { kind: 1, subject: 0, other: 0, hour: 1, size: 0, org: 0 }, 1);
    const records = [{ offset: '0', subject: subjectOf(event), event }];
    expect(await handler.project(at(0), records, [], '1')).toMatchObject({ appended: 1 });
    expect(await handler.project(at(0), records, [], '1')).toEqual({
      appended: 0,
      duplicates: 0,
      skippedAlreadyProjected: 1,
      deadLettered: 0,
      conflicts: [],
    });
  });
});

import { randomUUID } from 'node:crypto';
import { type AcceptedEvent, Topics, subjectOf } from '@orgpulse/contracts';
import { type TeamState, foldTeams } from '@orgpulse/domain';
import { connectDatabase, rebuildProjections } from '@orgpulse/persistence';
import { testEnvironment } from '@orgpulse/testing';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { ProjectBatchHandler, type ProjectableRecord } from './project-batch.handler';

const TEAMS = ['alpha', 'beta', 'gamma'];
const IDENTITY = { clusterId: 'property-cluster', topicId: 'property-topic' };
const at = (partition: number) => ({ topic: Topics.events, partition, identity: IDENTITY });
const BASE = Date.parse('2026-01-05T00:00:00Z');

type Draft = {
  type: 'team.registered' | 'team.blocked' | 'team.unblocked' | 'team.archived';
  team: number;
  hour: number;
  size: number;
};

const draftArb = fc.record({
  type: fc.constantFrom('team.registered', 'team.blocked', 'team.unblocked', 'team.archived', 'team.blocked'),
  team: fc.integer({ min: 0, max: TEAMS.length - 1 }),
  hour: fc.integer({ min: 0, max: 48 }), // a small range: ties and late events are common
  size: fc.integer({ min: 0, max: 12 }),
}) as fc.Arbitrary<Draft>;

const scenarioArb = fc.record({
  drafts: fc.array(draftArb, { minLength: 1, maxLength: 40 }),
  duplicates: fc.array(fc.nat(), { maxLength: 10 }),
  seed: fc.integer(),
  batchSizes: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
});

const toEvent = (orgId: string, draft: Draft, i: number): AcceptedEvent => {
  const teamId = TEAMS[draft.team];
  const data =
    draft.type === 'team.registered'
      ? { teamId, name: `${teamId}-${draft.size}`, headcount: draft.size }
      : draft.type === 'team.blocked'
        ? { teamId, reason: draft.size % 2 === 0 ? 'dependency' : 'environment' }
        : { teamId };
  return {
    id: `e${i}`,
    type: draft.type,
    version: 1,
    orgId,
    occurredAt: new Date(BASE + draft.hour * 3_600_000).toISOString(),
    ingestedAt: '2026-01-10T00:00:00.000Z',
    data,
  } as AcceptedEvent;
};

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

/** What the read model must be: each event once (first arrival wins), folded by occurredAt, ties by arrival. */
function expectedTeams(arrivals: AcceptedEvent[]): TeamState[] {
  const firstArrival = new Map<string, { event: AcceptedEvent; arrival: number }>();
  arrivals.forEach((event, arrival) => {
    if (!firstArrival.has(event.id)) firstArrival.set(event.id, { event, arrival });
  });
  const ordered = [...firstArrival.values()].sort(
    (a, b) => Date.parse(a.event.occurredAt) - Date.parse(b.event.occurredAt) || a.arrival - b.arrival,
  );
  return foldTeams(ordered.map(({ event }) => ({ subject: subjectOf(event), event })));
}

describe('projection: incremental = from-scratch fold = rebuild (property, real PostgreSQL)', () => {
  jest.setTimeout(300_000);
  let db: DataSource;

  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
  });
  afterAll(() => db.destroy());

  const readTeams = async (orgId: string): Promise<TeamState[]> =>
    db.query(
      `SELECT team_id AS "teamId", name, headcount, group_id AS "groupId", registered, archived, blocked,
              to_char(blocked_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "blockedSince",
              block_reason AS "blockReason"
         FROM team_status WHERE org_id = $1 ORDER BY team_id`,
      [orgId],
    );
  const sorted = (teams: TeamState[]) => [...teams].sort((a, b) => a.teamId.localeCompare(b.teamId));

  it('holds for shuffled arrival, duplicates, late events and any batching', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ drafts, duplicates, seed, batchSizes }) => {
        const orgId = randomUUID();
        const handler = new ProjectBatchHandler(db, `property-${orgId}`);
        const events = drafts.map((d, i) => toEvent(orgId, d, i));
        const arrivals = shuffle([...events, ...duplicates.map((d) => events[d % events.length])], seed);

        // Kafka order per partition: a team's events stay on one partition, in arrival order.
        const partitionOf = (e: AcceptedEvent) => TEAMS.indexOf((e.data as { teamId: string }).teamId) % 2;
        const nextOffset = [0, 0];
        const processed: AcceptedEvent[] = [];
        let cursor = 0;
        for (let b = 0; cursor < arrivals.length; b++) {
          const batch = arrivals.slice(cursor, cursor + batchSizes[b % batchSizes.length]);
          cursor += batch.length;
          for (const partition of [0, 1]) {
            const records: ProjectableRecord[] = batch
              .filter((e) => partitionOf(e) === partition)
              .map((event) => ({
                offset: String(nextOffset[partition]++),
                subject: subjectOf(event),
                event,
              }));
            if (records.length === 0) continue;
            await handler.project(at(partition), records, [], String(nextOffset[partition]));
            processed.push(...records.map((r) => r.event));
          }
        }

        const expected = sorted(expectedTeams(processed));
        expect(sorted(await readTeams(orgId))).toEqual(expected);
        await rebuildProjections(db);
        expect(sorted(await readTeams(orgId))).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  });

  it('a redelivered batch (offsets already stored) changes nothing', async () => {
    const orgId = randomUUID();
    const handler = new ProjectBatchHandler(db, `redelivery-${orgId}`);
    const event = toEvent(orgId, { type: 'team.blocked', team: 0, hour: 1, size: 0 }, 1);
    const records = [{ offset: '0', subject: subjectOf(event), event }];
    expect(await handler.project(at(0), records, [], '1')).toMatchObject({ appended: 1 });
    expect(await handler.project(at(0), records, [], '1')).toEqual({
      appended: 0,
      duplicates: 0,
      skippedAlreadyProjected: 1,
      deadLettered: 0,
    });
  });
});

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AcceptedEvent } from '@orgpulse/contracts';
import { DAY_MS } from '@orgpulse/domain';
import { connectDatabase } from '@orgpulse/persistence';
import { repoRoot, testEnvironment } from '@orgpulse/testing';
import {
  type FieldNode,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  buildSchema,
  parse,
} from 'graphql';
import type { DataSource } from 'typeorm';
import { MANAGERS } from '../../page/src/queries';
import { ApiCache } from '../cache/api-cache';
import { managerCoachingOf } from '../coaching/manager-coaching';
import type { AuthenticatedRequest } from '../auth/api-token.hook';
import { RequestContext } from '../graphql/request-context';
import { projectInBatches } from '../read-models/project-events.test-support';
import { settableDataVersions } from '../read-models/data-versions.test-support';
import { sharedReadOf } from '../read-models/shared-read';
import { recordingStatements } from '../read-models/statements-sent.test-support';
import { reportsAt } from '../people/person-of';
import { prefetchManagerFields } from './manager-fields.prefetch';
import { cadenceAt, personOfManager, subtreeAt } from './manager-figures';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const schema = buildSchema(readFileSync(join(repoRoot, 'docs', 'graphql', 'schema.v1.graphql'), 'utf8'));
// a connection's entries are its edges' nodes
const ENTRIES = ['edges', 'node'];
/** The page's managers query with its entries as a connection's (what managersConnection prefetches). */
const CONNECTION = `query Managers($w: Window!) {
  managersConnection(first: 500) { edges { node {
    id person { name reports { id name } } directReports oneOnOneCoverage overdueReports
    subtree { people managers oneOnOneCoverage }
    coaching(window: $w) {
      reports planCoverage weakest { person { id name } averageGap } oneOnOnes ratedOneOnOnes ratingShare
    }
  } } }
}`;
const WINDOW = { from: new Date(NOW - 28 * DAY_MS), to: new Date(NOW) };

/** The managers field of a document, as graphql-js hands it to the resolver. */
function infoOf(
  document: string,
  variableValues: Record<string, unknown> = { w: WINDOW },
): GraphQLResolveInfo {
  const operation = parse(document).definitions[0] as OperationDefinitionNode;
  const field = operation.selectionSet.selections[0] as FieldNode;
  return { schema, fieldNodes: [field], variableValues } as unknown as GraphQLResolveInfo;
}

/** Whether the value was there at once; a computation it started is waited for (none left after the test). */
const settledAtOnce = async (value: unknown): Promise<boolean> => {
  const settled = !(value instanceof Promise);
  await value;
  return settled;
};

describe('the managers page computes its entries’ fields together, and each entry’s fields then resolve at once (real PostgreSQL)', () => {
  let db: DataSource;
  const orgId = randomUUID();
  const ids = ['m1', 'm2'];
  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
    const at = (days: number) => new Date(NOW - days * DAY_MS).toISOString();
    const drafts: [string, string, Record<string, unknown>][] = [
      ['person.registered', at(60), { personId: 'm1', name: 'Mia', role: 'leader' }],
      [
        'person.registered',
        at(60),
        { personId: 'm2', name: 'Max', role: 'engineering-manager', managerId: 'm1' },
      ],
      ['person.registered', at(60), { personId: 'p1', name: 'Pia', role: 'pm', managerId: 'm1' }],
      ['person.registered', at(60), { personId: 'p2', name: 'Paz', role: 'engineer', managerId: 'm2' }],
      ['person.registered', at(60), { personId: 'p3', name: 'Pol', role: 'engineer', managerId: 'm2' }],
      ['coaching.plan-set', at(30), { personId: 'p2', competencies: [{ name: 'testing', target: 4 }] }],
      ['one-on-one.held', at(3), { managerId: 'm1', reportId: 'p1' }],
      [
        'one-on-one.held',
        at(2),
        { managerId: 'm2', reportId: 'p2', ratings: [{ competency: 'testing', level: 2 }] },
      ],
    ];
    const events = drafts.map(
      ([type, occurredAt, data], i) =>
        ({ id: `e${i}`, type, version: 1, orgId, occurredAt, ingestedAt: at(0), data }) as AcceptedEvent,
    );
    await projectInBatches(db, events);
  });
  afterAll(() => db.destroy());

  // over HTTP (a request: one instant for all its fields), or over graphql-ws (none: now moves)
  const context = (over: 'http' | 'ws' = 'http') =>
    new RequestContext(
      { orgId, role: 'viewer', groupId: null },
      db,
      over === 'http' ? ({} as AuthenticatedRequest) : undefined,
      () => NOW,
    );

  it.each([
    { form: 'list', document: MANAGERS, path: [] },
    { form: 'connection', document: CONNECTION, path: ENTRIES },
  ])(
    "given the page's managers query as a $form, when its entries are prefetched, then every field it asks of them is there at once, as computed alone",
    async ({ document, path }) => {
      const ctx = context();
      expect(await settledAtOnce(cadenceAt(ctx, 'm1', NOW))).toBe(false); // nothing computed yet
      await prefetchManagerFields(ctx, ids, infoOf(document), NOW, undefined, path);
      const alone = context();
      for (const id of ids) {
        const fields = {
          person: personOfManager(ctx, id),
          reports: reportsAt(ctx, id, NOW),
          cadence: cadenceAt(ctx, id, NOW),
          subtree: subtreeAt(ctx, id, NOW),
          coaching: managerCoachingOf(ctx, id, NOW, WINDOW),
        };
        for (const [name, value] of Object.entries(fields))
          expect([name, await settledAtOnce(value)]).toEqual([name, true]);
        expect(fields).toEqual({
          person: await personOfManager(alone, id),
          reports: await reportsAt(alone, id, NOW),
          cadence: await cadenceAt(alone, id, NOW),
          subtree: await subtreeAt(alone, id, NOW),
          coaching: await managerCoachingOf(alone, id, NOW, WINDOW),
        });
      }
      expect(await cadenceAt(ctx, 'm2', NOW)).toMatchObject({
        directReports: ['p2', 'p3'],
        overdueReports: ['p3'],
      });
      expect(await managerCoachingOf(ctx, 'm2', NOW, WINDOW)).toMatchObject({
        oneOnOnes: 1,
        ratedOneOnOnes: 1,
      });
    },
  );

  describe('shared by the org’s requests for the page', () => {
    const cache = new ApiCache({ maxBytes: 4 * 1024 * 1024, maxAgeMs: 60_000 });
    afterAll(() => cache.stop());
    const { state: versions, dataVersions } = settableDataVersions();
    /** A request at `at` with the API's shared reads, over a database that counts what it is sent. */
    const sharing = (at: number) => {
      const { db: counting, sent } = recordingStatements(db);
      const ctx = new RequestContext(
        { orgId, role: 'viewer', groupId: null },
        counting,
        {} as AuthenticatedRequest,
        () => at,
        undefined,
        undefined,
        sharedReadOf(cache, dataVersions, orgId),
      );
      return { ctx, sent };
    };
    const figuresOf = async (ctx: RequestContext, at: number) =>
      Promise.all(
        ids.map(async (id) => ({
          person: await personOfManager(ctx, id),
          reports: await reportsAt(ctx, id, at),
          cadence: await cadenceAt(ctx, id, at),
          subtree: await subtreeAt(ctx, id, at),
          coaching: await managerCoachingOf(ctx, id, at, WINDOW),
        })),
      );

    it('given a page computed by one request, when another asks it later with another window, then it reads only the 1:1s of its window, and its figures at now are those computed (for at most the cache’s age), each at once', async () => {
      const first = sharing(NOW);
      await prefetchManagerFields(first.ctx, ids, infoOf(MANAGERS), NOW, 'page-1');
      expect(first.sent.length).toBeGreaterThan(4);
      const later = NOW + 1_000;
      const other = { from: new Date(WINDOW.from.getTime() - DAY_MS), to: WINDOW.to };
      const second = sharing(later);
      await prefetchManagerFields(second.ctx, ids, infoOf(MANAGERS, { w: other }), later, 'page-1');
      // only the 1:1s held in the other window: one statement counts them (every 1:1 in the manager model)
      // and the rated ones (the rating model's)
      expect(second.sent).toHaveLength(1);
      expect(second.sent[0]).toMatch(/FROM manager_weeks[\s\S]*UNION ALL[\s\S]*FROM rating_weeks/);
      for (const id of ids) {
        expect(await settledAtOnce(cadenceAt(second.ctx, id, later))).toBe(true);
        expect(await settledAtOnce(subtreeAt(second.ctx, id, later))).toBe(true);
        expect(await settledAtOnce(reportsAt(second.ctx, id, later))).toBe(true);
        expect(await settledAtOnce(managerCoachingOf(second.ctx, id, later, other))).toBe(true);
      }
      const computed = await figuresOf(first.ctx, NOW);
      const shared = await figuresOf(second.ctx, later);
      const atNow = (figures: typeof computed) => figures.map(({ coaching: _window, ...now }) => now);
      expect(atNow(shared)).toEqual(atNow(computed));
      expect(await managerCoachingOf(second.ctx, 'm2', later, other)).toEqual(
        await managerCoachingOf(sharing(later).ctx, 'm2', later, other),
      );
    });

    it.each([
      { case: 'the org’s data changed', change: () => (versions.version += 1) },
      { case: 'the listener is down', change: () => (versions.listening = false) },
    ])('given $case, then the next request computes the page again', async ({ change }) => {
      versions.listening = true;
      await prefetchManagerFields(sharing(NOW).ctx, ids, infoOf(MANAGERS), NOW, 'page-2');
      change();
      const again = sharing(NOW + 1);
      await prefetchManagerFields(again.ctx, ids, infoOf(MANAGERS), NOW + 1, 'page-2');
      expect(again.sent.some((sql) => /person_head/.test(sql))).toBe(true);
    });

    it('given a page of other managers under the same key, then nothing of it is taken', async () => {
      versions.listening = true;
      await prefetchManagerFields(sharing(NOW).ctx, ['m1'], infoOf(MANAGERS), NOW, 'page-3');
      const other = sharing(NOW);
      await prefetchManagerFields(other.ctx, ids, infoOf(MANAGERS), NOW, 'page-3');
      expect(await cadenceAt(other.ctx, 'm2', NOW)).toMatchObject({ directReports: ['p2', 'p3'] });
      expect(other.sent.some((sql) => /person_head/.test(sql))).toBe(true);
    });

    it('given fields asked at a time (asOf), then they are computed by the request, not shared', async () => {
      versions.listening = true;
      const asOf = new Date(NOW - DAY_MS);
      const query = 'query ($asOf: DateTime) { managers { directReports(asOf: $asOf) } }';
      await prefetchManagerFields(sharing(NOW).ctx, ids, infoOf(query, { asOf }), NOW, 'page-4');
      const again = sharing(NOW);
      await prefetchManagerFields(again.ctx, ids, infoOf(query, { asOf }), NOW, 'page-4');
      expect(again.sent.some((sql) => /person_head/.test(sql))).toBe(true);
    });
  });

  it('given a query that asks only ids, or fields at another time, then nothing is computed ahead for what it did not ask', async () => {
    const ctx = context();
    await prefetchManagerFields(ctx, ids, infoOf('query { managers { id } }'), NOW);
    expect(await settledAtOnce(cadenceAt(ctx, 'm1', NOW))).toBe(false);
    const other = context();
    const asOf = new Date(NOW - DAY_MS);
    await prefetchManagerFields(
      other,
      ids,
      infoOf('query ($asOf: DateTime) { managers { directReports(asOf: $asOf) } }', { asOf }),
      NOW,
    );
    expect(await settledAtOnce(cadenceAt(other, 'm1', NOW))).toBe(false);
    expect(await settledAtOnce(cadenceAt(other, 'm1', asOf.getTime()))).toBe(true);
    const skipped = context();
    await prefetchManagerFields(
      skipped,
      ids,
      infoOf(
        'query ($no: Boolean!) { managers { subtree @skip(if: true) { people } directReports @include(if: $no) } }',
        { no: false },
      ),
      NOW,
    );
    expect(await settledAtOnce(subtreeAt(skipped, 'm1', NOW))).toBe(false);
    expect(await settledAtOnce(cadenceAt(skipped, 'm1', NOW))).toBe(false);
  });

  it('given a query over graphql-ws (no request: now moves between fields), then nothing is computed ahead', async () => {
    const ctx = context('ws');
    await prefetchManagerFields(ctx, ids, infoOf(MANAGERS), NOW);
    expect(await settledAtOnce(cadenceAt(ctx, 'm1', NOW))).toBe(false);
  });

  it('given a window refused (backwards), then the prefetch leaves the error to the field', async () => {
    const ctx = context();
    const backwards = infoOf(MANAGERS, { w: { from: WINDOW.to, to: WINDOW.from } });
    await expect(prefetchManagerFields(ctx, ids, backwards, NOW)).resolves.toBeUndefined();
    expect(() => managerCoachingOf(ctx, 'm1', NOW, { from: WINDOW.to, to: WINDOW.from })).toThrow(/window/);
  });
});

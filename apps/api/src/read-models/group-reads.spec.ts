import type { Queryable } from '@orgpulse/persistence';
import { ApiCache } from '../cache/api-cache';
import { GroupReads } from './group-reads';
import { type DataVersions, sharedReadOf } from './shared-read';

/** A database of one org with no groups that counts the statements it is sent. */
function countingDb(): Queryable & { statements: number } {
  const db = {
    statements: 0,
    query: (_sql: string) => {
      db.statements += 1;
      return Promise.resolve([]);
    },
  };
  return db as unknown as Queryable & { statements: number };
}

describe('GroupReads with shared reads', () => {
  const cache = new ApiCache({ maxBytes: 1024 * 1024, maxAgeMs: 60_000 });
  afterAll(() => cache.stop());
  let orgs = 0;

  it.each([
    // given what changed between two requests' reads of the org's groups, then what the second sends
    { case: 'nothing: the groups are read once', change: {}, statements: 0 },
    { case: 'the org data: read again', change: { version: 2 }, statements: 3 },
    { case: 'the listener reconnected: read again', change: { epoch: 1 }, statements: 3 },
    { case: 'the listener is down: read, not served', change: { listening: false }, statements: 3 },
  ])('$case', async ({ change, statements }) => {
    const org = `org-${(orgs += 1)}`;
    const state = { version: 1, epoch: 0, listening: true };
    const versions: DataVersions = {
      get listening() {
        return state.listening;
      },
      epochOf: () => state.epoch,
      of: () => state.version,
    };
    const first = countingDb();
    await new GroupReads(first, org, sharedReadOf(cache, versions, org)).hierarchyAt(Date.now());
    expect(first.statements).toBe(3);

    Object.assign(state, change);
    const db = countingDb();
    await new GroupReads(db, org, sharedReadOf(cache, versions, org)).hierarchyAt(Date.now());
    expect(db.statements).toBe(statements);
  });

  it('given a context that lives on (a subscription), when the org changes, then its next read is of the change', async () => {
    const state = { version: 1 };
    const versions: DataVersions = { listening: true, epochOf: () => 0, of: () => state.version };
    const shared = sharedReadOf(cache, versions, 'org-subscribed');
    const first = countingDb();
    await new GroupReads(first, 'org-subscribed', shared).hierarchyAt(Date.now());
    state.version = 2;
    const again = countingDb();
    await new GroupReads(again, 'org-subscribed', shared).hierarchyAt(Date.now());
    expect([first.statements, again.statements]).toEqual([3, 3]);
    const unchanged = countingDb();
    await new GroupReads(unchanged, 'org-subscribed', shared).hierarchyAt(Date.now());
    expect(unchanged.statements).toBe(0);
  });

  it('given a request (pinned), when the org changes while it runs, then what it reads is kept under the version it started at, never as after the change', async () => {
    const state = { version: 1 };
    const versions: DataVersions = { listening: true, epochOf: () => 0, of: () => state.version };
    const request = sharedReadOf(cache, versions, 'org-pinned', true);
    state.version = 2; // the change lands before the request's read
    const during = countingDb();
    await new GroupReads(during, 'org-pinned', request).hierarchyAt(Date.now());
    const after = countingDb();
    await new GroupReads(after, 'org-pinned', sharedReadOf(cache, versions, 'org-pinned', true)).hierarchyAt(
      Date.now(),
    );
    const again = countingDb();
    await new GroupReads(again, 'org-pinned', sharedReadOf(cache, versions, 'org-pinned', true)).hierarchyAt(
      Date.now(),
    );
    expect([during.statements, after.statements, again.statements]).toEqual([3, 3, 0]);
  });
});

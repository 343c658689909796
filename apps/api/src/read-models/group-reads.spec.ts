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

  it.each([
    // given the data version of the second request, then the statements it sends
    {
      case: 'at the same data version, the hierarchy is read once',
      second: { version: 1, listening: true },
      statements: 0,
    },
    {
      case: 'after the org changed, it is read again',
      second: { version: 2, listening: true },
      statements: 3,
    },
    {
      case: 'with the listener down, nothing is shared',
      second: { version: 1, listening: false },
      statements: 3,
    },
  ])('$case', async ({ second, statements }) => {
    const org = `org-${second.version}-${second.listening}`;
    const versions = (version: number, listening: boolean): DataVersions => ({
      listening,
      epochOf: () => 0,
      of: () => version,
    });
    const first = countingDb();
    const firstShared = sharedReadOf(cache, versions(1, true), org);
    await new GroupReads(first, org, firstShared).hierarchyAt(Date.now());
    expect(first.statements).toBe(3);

    const db = countingDb();
    const shared = sharedReadOf(cache, versions(second.version, second.listening), org);
    await new GroupReads(db, org, shared).hierarchyAt(Date.now());
    expect(db.statements).toBe(statements);
  });
});

import { ApiCache } from '../../cache/api-cache';
import type { OrgDataVersions } from '../result-cache/org-data-versions';
import { ReadModelSnapshots } from './read-model-snapshots';

class FakeVersions {
  listening = true;
  private readonly versions = new Map<string, number>();
  of(orgId: string) {
    return this.versions.get(orgId) ?? 0;
  }
  epochOf() {
    return 0;
  }
  bump(orgId: string) {
    this.versions.set(orgId, this.of(orgId) + 1);
  }
}

describe('read model snapshots shared by the requests of a data version', () => {
  let clock: number;
  let versions: FakeVersions;
  let snapshots: ReadModelSnapshots;
  let cache: ApiCache;
  let reads: number;
  const read = (orgId = 'org-a', kind = 'teams') =>
    snapshots.of(orgId, kind, () => Promise.resolve(`${kind} of ${orgId} #${++reads}`.padEnd(300)));
  beforeEach(() => {
    clock = 1_000;
    reads = 0;
    versions = new FakeVersions();
    // room for four snapshots (each is about 900 bytes with its key and the entry's overhead)
    cache = new ApiCache({ maxBytes: 4 * 1_024, maxAgeMs: 2_000, now: () => clock });
    snapshots = new ReadModelSnapshots(versions as unknown as OrgDataVersions, cache);
  });
  afterEach(() => cache.stop());

  it.each<[string, () => Promise<unknown>, string, number]>([
    ['the first request reads', () => read(), 'teams of org-a #1', 1],
    ['the same version is read once', async () => (await read(), read()), 'teams of org-a #1', 1],
    ['another org reads', async () => (await read(), read('org-b')), 'teams of org-b #2', 2],
    ['another kind reads', async () => (await read(), read('org-a', 'people')), 'people of org-a #2', 2],
    [
      'a new data version reads again',
      async () => (await read(), versions.bump('org-a'), read()),
      'teams of org-a #2',
      2,
    ],
    [
      'past half of maxAge it reads again',
      async () => (await read(), (clock += 1_001), read()),
      'teams of org-a #2',
      2,
    ],
    [
      'after maxAge it reads again',
      async () => (await read(), (clock += 2_001), read()),
      'teams of org-a #2',
      2,
    ],
    [
      'while the listener is down every request reads',
      async () => ((versions.listening = false), await read(), read()),
      'teams of org-a #2',
      2,
    ],
    [
      'past the byte budget the least recently used is dropped',
      async () => {
        for (const org of ['o1', 'o2', 'o3', 'o4', 'o5']) await read(org);
        return read('o1');
      },
      'teams of o1 #6',
      6,
    ],
  ])('%s', async (_case, when, value, expectedReads) => {
    expect(String(await when()).trimEnd()).toBe(value);
    expect(reads).toBe(expectedReads);
    expect(cache.bytes).toBeLessThanOrEqual(4 * 1_024);
  });

  it('while one request reloads a changed snapshot, the others are served the previous one', async () => {
    await read();
    versions.bump('org-a');
    let release: (value: string) => void = () => undefined;
    const reloading = snapshots.of('org-a', 'teams', () => new Promise<string>((r) => (release = r)));
    expect((await read()).trimEnd()).toBe('teams of org-a #1');
    release('reloaded');
    expect(await reloading).toBe('reloaded');
    expect(await snapshots.of('org-a', 'teams', () => Promise.resolve('unused'))).toBe('reloaded');
  });

  it('a failed read is not kept', async () => {
    await expect(snapshots.of('org-a', 'teams', () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    );
    expect((await read()).trimEnd()).toBe('teams of org-a #1');
  });
});

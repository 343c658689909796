import type { OrgDataVersions } from '../result-cache/org-data-versions';
import { ReadModelSnapshots } from './read-model-snapshots';

class FakeVersions {
  listening = true;
  private readonly versions = new Map<string, number>();
  of(orgId: string) {
    return this.versions.get(orgId) ?? 0;
  }
  bump(orgId: string) {
    this.versions.set(orgId, this.of(orgId) + 1);
  }
}

describe('read model snapshots shared by the requests of a data version', () => {
  let clock: number;
  let versions: FakeVersions;
  let snapshots: ReadModelSnapshots;
  let reads: number;
  const read = (orgId = 'org-a', kind = 'teams') =>
    snapshots.of(orgId, kind, () => Promise.resolve(`${kind} of ${orgId} #${++reads}`));
  beforeEach(() => {
    clock = 1_000;
    reads = 0;
    versions = new FakeVersions();
    snapshots = new ReadModelSnapshots(versions as unknown as OrgDataVersions, {
      maxAgeMs: 2_000,
      maxEntries: 3,
      now: () => clock,
    });
  });

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
      'past maxEntries the oldest is dropped',
      async () => (await read('o1'), await read('o2'), await read('o3'), await read('o4'), read('o1')),
      'teams of o1 #5',
      5,
    ],
  ])('%s', async (_case, when, value, expectedReads) => {
    expect(await when()).toBe(value);
    expect(reads).toBe(expectedReads);
  });

  it('a failed read is not kept', async () => {
    await expect(snapshots.of('org-a', 'teams', () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    );
    expect(await read()).toBe('teams of org-a #1');
  });
});

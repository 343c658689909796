import { ApiCache } from '../cache/api-cache';
import { settableDataVersions } from './data-versions.test-support';
import { sharedReadOf } from './shared-read';

describe("an org's shared reads", () => {
  const { state: versions, dataVersions } = settableDataVersions();
  let cache: ApiCache;
  beforeEach(() => {
    versions.listening = true;
    versions.version = 1;
    cache = new ApiCache({ maxBytes: 100_000, maxAgeMs: 2_000 });
  });
  afterEach(() => cache.stop());

  const read = (shared: ReturnType<typeof sharedReadOf>, value: string) =>
    shared(
      'week',
      () => Promise.resolve(value),
      () => 10,
      true,
    );

  it('given a value read at the data version, then a request of that version is given it', async () => {
    expect(await read(sharedReadOf(cache, dataVersions, 'org', true), 'first')).toBe('first');
    expect(await read(sharedReadOf(cache, dataVersions, 'org', true), 'unread')).toBe('first');
  });

  it('given nobody listening, then every request reads afresh', async () => {
    await read(sharedReadOf(cache, dataVersions, 'org', true), 'first');
    versions.listening = false;
    expect(await read(sharedReadOf(cache, dataVersions, 'org', true), 'fresh')).toBe('fresh');
  });

  it('given a request that started while nobody listened, then it reads afresh once they listen again (its version may be one from before changes it missed)', async () => {
    await read(sharedReadOf(cache, dataVersions, 'org', true), 'first');
    versions.listening = false;
    const started = sharedReadOf(cache, dataVersions, 'org', true);
    versions.listening = true;
    expect(await read(started, 'fresh')).toBe('fresh');
  });
});

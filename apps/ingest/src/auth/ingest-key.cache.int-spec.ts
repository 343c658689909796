import { CredentialsRepository, connectDatabase } from '@orgpulse/persistence';
import { createLogger } from '@orgpulse/platform';
import { eventually, testEnvironment } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { IngestKeyCache } from './ingest-key.cache';

class CountingCredentials extends CredentialsRepository {
  lookups = 0;
  override findOrgIdByIngestKeyHash(keyHash: string): Promise<string | undefined> {
    this.lookups++;
    return super.findOrgIdByIngestKeyHash(keyHash);
  }
}

describe('IngestKeyCache (real PostgreSQL)', () => {
  const { databaseUrl } = testEnvironment();
  let db: DataSource;
  let cache: IngestKeyCache;
  let credentials: CountingCredentials;

  beforeAll(async () => {
    db = await connectDatabase({ url: databaseUrl, startupTimeoutMs: 5_000 });
    credentials = new CountingCredentials(db);
    cache = new IngestKeyCache(
      credentials,
      { databaseUrl, ttlMs: 600_000, maxEntries: 100 },
      createLogger('test', 'silent'),
    );
    await cache.start();
  });
  afterAll(async () => {
    await cache.stop();
    await db.destroy();
  });

  it('answers a known key from memory, and forgets it as soon as it is revoked', async () => {
    const org = await credentials.createOrganization(`cache-${Date.now()}`);
    const key = await credentials.createIngestKey(org.id);
    expect(await cache.orgOf(key)).toBe(org.id);
    expect(await cache.orgOf(key)).toBe(org.id);
    expect(await cache.orgOf(key)).toBe(org.id);
    expect(credentials.lookups).toBe(1);

    // revoked by another process (the CLI): the NOTIFY of its transaction reaches the cache
    const cli = new CredentialsRepository(db);
    expect(await cli.revokeIngestKey(key)).toBe(true);
    await eventually(async () => expect(await cache.orgOf(key)).toBeUndefined(), {
      timeoutMs: 2_000,
      intervalMs: 5,
    });
  });

  it('never caches an unknown key', async () => {
    const before = credentials.lookups;
    expect(await cache.orgOf('opk_unknown')).toBeUndefined();
    expect(await cache.orgOf('opk_unknown')).toBeUndefined();
    expect(credentials.lookups).toBe(before + 2);
  });
});

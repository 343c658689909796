import { randomUUID } from 'node:crypto';
import { OrgSettingsRepository, PgListener, connectDatabase } from '@orgpulse/persistence';
import { createLogger } from '@orgpulse/platform';
import { eventually, testEnvironment } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { ApiCache } from '../../cache/api-cache';
import { sharedReadOf } from '../../read-models/shared-read';
import { RequestContext } from '../request-context';
import { OrgDataVersions } from './org-data-versions';

describe("an org's settings, shared by its requests, changed by another instance (real PostgreSQL)", () => {
  let db: DataSource;
  let listener: PgListener;
  let versions: OrgDataVersions;
  const [orgId, otherOrg] = [randomUUID(), randomUUID()];

  beforeAll(async () => {
    const { databaseUrl } = testEnvironment();
    db = await connectDatabase({ url: databaseUrl, startupTimeoutMs: 5_000 });
    for (const id of [orgId, otherOrg])
      await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'settings')`, [id]);
    listener = new PgListener({
      databaseUrl,
      logger: createLogger('test', 'warn'),
      applicationName: 'orgpulse-test-listener',
    });
    versions = new OrgDataVersions(listener);
    await listener.start();
  });
  afterAll(async () => {
    await listener.stop();
    await db.destroy();
  });

  it("given the settings read once and shared, when another instance changes them, then this one's data version moves (that org's only) and its next request reads the change", async () => {
    const cache = new ApiCache({ maxBytes: 1_000_000, maxAgeMs: 60_000 });
    const request = () =>
      new RequestContext(
        { orgId, role: 'viewer', groupId: null },
        db,
        undefined,
        Date.now,
        undefined,
        undefined,
        sharedReadOf(cache, versions, orgId),
      );
    expect((await request().settings()).idleCostPerPersonDay).toBeNull();
    const read = jest.spyOn(OrgSettingsRepository.prototype, 'get');
    expect((await request().settings()).idleCostPerPersonDay).toBeNull();
    expect(read).not.toHaveBeenCalled(); // shared at this data version

    const [before, otherBefore] = [versions.of(orgId), versions.of(otherOrg)];
    // another API instance (or the CLI): the same repository on another connection
    await new OrgSettingsRepository(db).update(orgId, { idleCostPerPersonDay: 500 });
    await eventually(() => expect(versions.of(orgId)).toBeGreaterThan(before), { timeoutMs: 5_000 });
    expect(versions.of(otherOrg)).toBe(otherBefore);
    expect((await request().settings()).idleCostPerPersonDay).toBe(500);
    read.mockRestore();
  });
});

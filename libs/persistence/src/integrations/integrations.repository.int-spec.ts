import { SecretBox } from '@orgpulse/platform';
import { testEnvironment } from '@orgpulse/testing';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CredentialsRepository } from '../credentials/credentials.repository';
import { connectDatabase } from '../database/connect-database';
import { IntegrationsRepository, KEPT_DELIVERIES_PER_INTEGRATION } from './integrations.repository';

describe('IntegrationsRepository (real PostgreSQL)', () => {
  let db: DataSource;
  let integrations: IntegrationsRepository;
  let orgId: string;
  const input = {
    kind: 'GITHUB' as const,
    name: 'GitHub',
    secret: 'the-vendor-secret-0123',
    teamMappings: [{ match: 'acme/api', teamId: 'payments' }],
    options: { shipSignal: 'RELEASE' as const },
  };

  beforeAll(async () => {
    db = await connectDatabase({ url: testEnvironment().databaseUrl, startupTimeoutMs: 5_000 });
    integrations = new IntegrationsRepository(db, new SecretBox(randomBytes(32)));
    orgId = (await new CredentialsRepository(db).createOrganization('Integrations')).id;
  });
  afterAll(() => db.destroy());

  it('stores the secret sealed, opens it only for verification, and forgets a deleted integration', async () => {
    const created = await integrations.create(orgId, input, 20);
    expect(created).toMatchObject({
      orgId,
      kind: 'GITHUB',
      teamMappings: input.teamMappings,
      options: input.options,
    });
    const [{ sealed }] = await db.query<{ sealed: string }[]>(
      `SELECT secret_sealed AS sealed FROM integrations WHERE id = $1`,
      [created!.id],
    );
    expect(sealed).not.toContain(input.secret);
    expect((await integrations.verifiable(created!.id))?.secret).toBe(input.secret);
    // another key cannot open it
    await expect(
      new IntegrationsRepository(db, new SecretBox(randomBytes(32))).verifiable(created!.id),
    ).rejects.toThrow();

    expect(await integrations.delete(orgId, created!.id)).toBe(true);
    expect(await integrations.verifiable(created!.id)).toBeUndefined();
    expect(await integrations.find(orgId, created!.id)).toBeUndefined();
    expect(await integrations.delete(orgId, created!.id)).toBe(false);
  });

  it('refuses a creation past the limit per org', async () => {
    const other = (await new CredentialsRepository(db).createOrganization('Limited')).id;
    expect(await integrations.create(other, input, 1)).toBeDefined();
    expect(await integrations.create(other, input, 1)).toBeUndefined();
  });

  it(`keeps the newest ${KEPT_DELIVERIES_PER_INTEGRATION} deliveries of an integration, newest first`, async () => {
    const created = (await integrations.create(orgId, input, 20))!;
    for (let i = 1; i <= KEPT_DELIVERIES_PER_INTEGRATION + 5; i++)
      await integrations.recordDelivery(created.id, {
        vendorDeliveryId: `d-${i}`,
        outcome: 'ACCEPTED',
        eventIds: [`e-${i}`],
      });
    const kept = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM integration_deliveries WHERE integration_id = $1`,
      [created.id],
    );
    expect(kept[0].n).toBe(KEPT_DELIVERIES_PER_INTEGRATION);
    const latest = await integrations.deliveries(orgId, created.id, 2);
    expect(latest).toEqual([
      expect.objectContaining({
        vendorDeliveryId: `d-${KEPT_DELIVERIES_PER_INTEGRATION + 5}`,
        outcome: 'ACCEPTED',
        eventIds: [`e-${KEPT_DELIVERIES_PER_INTEGRATION + 5}`],
      }),
      expect.objectContaining({ vendorDeliveryId: `d-${KEPT_DELIVERIES_PER_INTEGRATION + 4}` }),
    ]);
    // another org sees none of them
    expect(await integrations.deliveries('00000000-0000-4000-8000-000000000000', created.id, 10)).toEqual([]);
  });
});

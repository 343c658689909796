import { randomUUID } from 'node:crypto';
import { SecretBox } from '@orgpulse/platform';
import { TestDatabase } from '@orgpulse/testing';
import type { DataSource } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { AlertOutbox } from './alert-outbox';
import { AlertsStore } from './alerts.store';
import { WebhooksRepository } from './webhooks.repository';

/** Webhook signing secrets are sealed at rest like integration secrets, older rows included (PostgreSQL). */
describe('webhook secrets at rest', () => {
  let testDb: TestDatabase;
  let db: DataSource;
  const box = new SecretBox(Buffer.alloc(32, 5));
  const repository = () => new WebhooksRepository(db, box);
  let orgId: string;

  beforeAll(async () => {
    testDb = await TestDatabase.create('webhook_secrets');
    db = await connectDatabase({ url: testDb.url, startupTimeoutMs: 5_000 });
    orgId = randomUUID();
    await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'org')`, [orgId]);
  });
  afterAll(async () => {
    await db.destroy();
    await testDb.drop();
  });

  const stored = async (id: string) =>
    (
      await db.query<{ secret: string | null; secret_sealed: string | null }[]>(
        'SELECT secret, secret_sealed FROM webhooks WHERE id = $1',
        [id],
      )
    )[0];

  it('stores a new webhook secret only sealed, bound to its webhook', async () => {
    const created = await repository().create(
      orgId,
      { url: 'https://hooks.example.com/new', secret: 'a-brand-new-secret-0123', format: 'json' },
      10,
    );
    const row = await stored(created!.id);
    expect(row.secret).toBeNull();
    expect(row.secret_sealed).not.toContain('a-brand-new-secret');
    expect(box.open(row.secret_sealed!, created!.id)).toBe('a-brand-new-secret-0123');
    expect(() => box.open(row.secret_sealed!, randomUUID())).toThrow();
  });

  it('seals the secrets an older release stored in clear, once, and the alerter can still sign with them', async () => {
    const legacy: string[] = [randomUUID(), randomUUID()];
    for (const [i, id] of legacy.entries())
      await db.query(
        `INSERT INTO webhooks (id, org_id, url, secret, format) VALUES ($1, $2, $3, $4, 'json')`,
        [id, orgId, `https://hooks.example.com/legacy-${i}`, `legacy-secret-in-clear-${i}`],
      );
    expect(await repository().sealClearSecrets()).toBe(2);
    expect(await repository().sealClearSecrets()).toBe(0);
    for (const [i, id] of legacy.entries()) {
      const row = await stored(id);
      expect(row.secret).toBeNull();
      expect(box.open(row.secret_sealed!, id)).toBe(`legacy-secret-in-clear-${i}`);
    }
    const leftInClear = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM webhooks WHERE secret IS NOT NULL`,
    );
    expect(leftInClear[0].n).toBe(0);

    const raised = await new AlertsStore(db).raiseAll(
      [{ orgId, condition: { rule: 'TEAM_IDLE', subjectId: 'core', since: 0, figures: {} }, lane: 'live' }],
      new Date(),
    );
    if (raised.length !== 1) throw new Error('not raised');
    const claimed = await new AlertOutbox(db).claim({
      limit: 50,
      kafkaLimit: 50,
      perWebhook: 5,
      leaseMs: 60_000,
      claimant: randomUUID(),
    });
    const opened = claimed
      .filter((d) => d.webhook !== null && legacy.includes(d.webhook.id))
      .map((d) => ({ secret: d.webhook!.secret, opened: box.open(d.webhook!.sealedSecret!, d.webhook!.id) }));
    expect(opened.sort((a, b) => a.opened.localeCompare(b.opened))).toEqual([
      { secret: null, opened: 'legacy-secret-in-clear-0' },
      { secret: null, opened: 'legacy-secret-in-clear-1' },
    ]);
  });
});

import { randomUUID } from 'node:crypto';
import type { AlertView } from '@orgpulse/contracts';
import { TestDatabase } from '@orgpulse/testing';
import { SecretBox } from '@orgpulse/platform';
import type { DataSource } from 'typeorm';
import { connectDatabase } from '../database/connect-database';
import { AlertOutbox, type ClaimOptions } from './alert-outbox';
import { AlertsStore, type DeliveryLane, type WebhookTarget } from './alerts.store';
import { WebhooksRepository } from './webhooks.repository';

/** The outbox on a real PostgreSQL: leases, turns between webhooks, limits, deletion. */
describe('the alert outbox (PostgreSQL)', () => {
  let testDb: TestDatabase;
  let db: DataSource;
  let outbox: AlertOutbox;
  const options = (claimant: string, over: Partial<ClaimOptions> = {}): ClaimOptions => ({
    limit: 50,
    kafkaLimit: 50,
    perWebhook: 2,
    leaseMs: 60_000,
    claimant,
    ...over,
  });

  const org = async (): Promise<string> => {
    const id = randomUUID();
    await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'org')`, [id]);
    return id;
  };
  const box = new SecretBox(Buffer.alloc(32, 9));
  const webhook = async (orgId: string): Promise<WebhookTarget> => {
    const created = await new WebhooksRepository(db, box).create(
      orgId,
      { url: 'https://hooks.example.com/', secret: 'a-secret-of-16-chars', format: 'json' },
      10,
    );
    if (!created) throw new Error('webhook limit');
    return { id: created.id, url: created.url, secret: null, sealedSecret: null, format: 'json' };
  };
  /** Raises `n` alerts for the org, each enqueued to Kafka and every webhook of the org. */
  const raise = async (
    orgId: string,
    n: number,
    lane: DeliveryLane = 'live',
    from = 0,
  ): Promise<AlertView[]> => {
    const changes = await new AlertsStore(db).raiseAll(
      Array.from({ length: n }, (_, i) => ({
        orgId,
        condition: { rule: 'TEAM_IDLE' as const, subjectId: `team-${from + i}`, since: 0, figures: {} },
        lane,
      })),
      new Date(),
    );
    return changes.map((c) => c.alert);
  };
  const pendingOf = async (webhookId: string) =>
    db.query<{ status: string }[]>(`SELECT status FROM alert_outbox WHERE webhook_id = $1 ORDER BY id`, [
      webhookId,
    ]);

  beforeAll(async () => {
    testDb = await TestDatabase.create('outbox');
    db = await connectDatabase({ url: testDb.url, startupTimeoutMs: 5_000 });
    outbox = new AlertOutbox(db);
  });
  afterEach(() => db.query(`DELETE FROM alert_outbox`));
  afterAll(async () => {
    await db.destroy();
    await testDb.drop();
  });

  it('gives each webhook at most its in-flight limit, and another org its turn first', async () => {
    const [a, b] = [await org(), await org()];
    const [hookA, hookB] = [await webhook(a), await webhook(b)];
    await raise(a, 30);
    await raise(b, 1);

    const first = await outbox.claim(options(randomUUID(), { limit: 2, kafkaLimit: 2 }));
    // turns: every webhook's and every org's Kafka first delivery before anyone's second
    expect(first.filter((d) => d.webhook?.id === hookB.id)).toHaveLength(1);
    expect(first.filter((d) => d.channel === 'kafka' && d.orgId === b)).toHaveLength(1);

    const rest = await outbox.claim(options(randomUUID()));
    const toA = [...first, ...rest].filter((d) => d.webhook?.id === hookA.id);
    expect(toA).toHaveLength(2); // a third waits until one of the two in flight ends
    const later = await outbox.claim(options(randomUUID()));
    expect(later.filter((d) => d.channel === 'webhook')).toEqual([]);
  });

  it('shares a claim’s Kafka limit among the orgs waiting, turn by turn', async () => {
    const [a, b, c] = [await org(), await org(), await org()];
    await raise(a, 30);
    await raise(b, 30);
    await raise(c, 2);
    const claimed = await outbox.claim(options(randomUUID(), { kafkaLimit: 12 }));
    const of = (orgId: string) => claimed.filter((d) => d.orgId === orgId).length;
    expect([of(a), of(b), of(c)]).toEqual([5, 5, 2]);
    // with what was claimed in flight, one org's backlog still fills the limit
    await outbox.claim(options(randomUUID(), { kafkaLimit: 100 }));
    await raise(a, 30, 'live', 30);
    expect(await outbox.claim(options(randomUUID(), { kafkaLimit: 12 }))).toHaveLength(12);
  });

  it('limits webhook and Kafka deliveries apart: a Kafka batch does not take webhooks’ room', async () => {
    const a = await org();
    await webhook(a);
    await raise(a, 30);
    const claimed = await outbox.claim(options(randomUUID(), { limit: 1, kafkaLimit: 25 }));
    expect(claimed.filter((d) => d.channel === 'kafka')).toHaveLength(25);
    expect(claimed.filter((d) => d.channel === 'webhook')).toHaveLength(1);
    const webhooksOnly = await outbox.claim(options(randomUUID(), { kafkaLimit: 0 }));
    expect(webhooksOnly.map((d) => d.channel)).toEqual(['webhook']); // its second slot; the third waits
  });

  it('records only the claimant’s result; a lapsed lease makes the delivery due again', async () => {
    const a = await org();
    await raise(a, 1);
    // a lease of 0 ms has lapsed by the next transaction
    const [mine] = await outbox.claim(options('00000000-0000-4000-8000-00000000000a', { leaseMs: 0 }));
    const [again] = await outbox.claim(options('00000000-0000-4000-8000-00000000000b'));
    expect(again.id).toBe(mine.id);
    await outbox.failedAttempt(mine.id, '00000000-0000-4000-8000-00000000000a', {
      error: 'late',
      status: null,
      retryInMs: 0,
    });
    await outbox.delivered(again.id, '00000000-0000-4000-8000-00000000000b', null);
    const [row] = await db.query<{ status: string; last_error: string | null }[]>(
      `SELECT status, last_error FROM alert_outbox WHERE id = $1`,
      [mine.id],
    );
    expect(row).toEqual({ status: 'delivered', last_error: null });
  });

  it('never gives up: a failed attempt is pending again, however many came before', async () => {
    const a = await org();
    await raise(a, 1);
    await db.query(`UPDATE alert_outbox SET attempts = 500`);
    const claimant = randomUUID();
    const [delivery] = await outbox.claim(options(claimant));
    await outbox.failedAttempt(delivery.id, claimant, { error: 'broker away', status: null, retryInMs: 0 });
    const [again] = await outbox.claim(options(claimant));
    expect(again).toMatchObject({ id: delivery.id, attempts: 501 });
  });

  it('a deleted webhook gets nothing more: its pending deliveries, even one in flight, are cancelled', async () => {
    const a = await org();
    const hook = await webhook(a);
    await raise(a, 3);
    const claimant = randomUUID();
    const inFlight = (await outbox.claim(options(claimant))).filter((d) => d.webhook?.id === hook.id);
    expect(inFlight).toHaveLength(2);

    expect(await new WebhooksRepository(db, box).delete(a, hook.id)).toBe(true);
    expect(await pendingOf(hook.id)).toEqual([
      { status: 'cancelled' },
      { status: 'cancelled' },
      { status: 'cancelled' },
    ]);
    await outbox.failedAttempt(inFlight[0].id, claimant, { error: 'timeout', status: null, retryInMs: 0 });
    expect((await pendingOf(hook.id))[0].status).toBe('cancelled');
    expect((await outbox.claim(options(randomUUID()))).some((d) => d.webhook?.id === hook.id)).toBe(false);
  });

  it('an org has at most the limit of webhooks', async () => {
    const a = await org();
    const repo = new WebhooksRepository(db, box);
    const hook = {
      url: 'https://hooks.example.com/',
      secret: 'a-secret-of-16-chars',
      format: 'json' as const,
    };
    const made = await Promise.all(Array.from({ length: 5 }, () => repo.create(a, hook, 3)));
    expect(made.filter((w) => w !== undefined)).toHaveLength(3);
    await repo.delete(a, (await repo.list(a))[0].id);
    expect(await repo.create(a, hook, 3)).toBeDefined();
  });

  it('due backlog leaves out what waits behind its own webhook; undelivered counts everything', async () => {
    const a = await org();
    await webhook(a);
    await raise(a, 5);
    expect((await outbox.dueBacklog(2)).due).toBe(10);
    const claimed = await outbox.claim(options(randomUUID()));
    expect(claimed.filter((d) => d.channel === 'kafka')).toHaveLength(5);
    expect(claimed.filter((d) => d.channel === 'webhook')).toHaveLength(2);
    expect(await outbox.dueBacklog(2)).toEqual({ due: 0, oldestDueSeconds: 0 });
    expect(await outbox.undelivered()).toEqual([
      { channel: 'kafka', undelivered: 5, oldestSeconds: expect.any(Number) },
      { channel: 'webhook', undelivered: 5, oldestSeconds: expect.any(Number) },
    ]);
  });

  it('a resolve waits for its alert’s raise on the same queue; the raise delivered frees it', async () => {
    const a = await org();
    await webhook(a);
    const [alert] = await raise(a, 1);
    await new AlertsStore(db).resolveAll([{ alertId: alert.id, lane: 'live' }], new Date());
    const claimant = randomUUID();
    const first = await outbox.claim(options(claimant));
    expect(first.map((d) => [d.channel, d.payload.type])).toEqual([
      ['kafka', 'alert.raised'],
      ['webhook', 'alert.raised'],
    ]);
    // the webhook's raise fails and backs off: its resolve keeps waiting; Kafka's raise is delivered
    const [toKafka, toHook] = first;
    await outbox.failedAttempt(toHook.id, claimant, { error: 'down', status: 503, retryInMs: 60_000 });
    await outbox.delivered([toKafka.id], claimant, null);
    const next = await outbox.claim(options(claimant));
    expect(next.map((d) => [d.channel, d.payload.type])).toEqual([['kafka', 'alert.resolved']]);
  });

  it('within a queue, live deliveries go before those of alerts judged after a backfill', async () => {
    const a = await org();
    await raise(a, 5, 'bulk');
    await raise(a, 1, 'live', 5);
    const claimed = await outbox.claim(options(randomUUID(), { kafkaLimit: 1 }));
    expect(claimed.map((d) => d.payload.alert.subjectId)).toEqual(['team-5']);
  });

  it('each change carries the traceparent of the judgement that made it to every delivery, and a claim returns it', async () => {
    const a = await org();
    await webhook(a);
    const traced = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
    const store = new AlertsStore(db);
    const changes = await store.raiseAll(
      [
        {
          orgId: a,
          condition: { rule: 'TEAM_IDLE', subjectId: 'traced', since: 0, figures: {} },
          lane: 'live',
          traceParent: traced,
        },
        {
          orgId: a,
          condition: { rule: 'TEAM_IDLE', subjectId: 'untraced', since: 0, figures: {} },
          lane: 'live',
        },
      ],
      new Date(),
    );
    const resolvedBy = `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`;
    const tracedAlert = changes.find((c) => c.alert.subjectId === 'traced')?.alert.id as string;
    await store.resolveAll([{ alertId: tracedAlert, lane: 'live', traceParent: resolvedBy }], new Date());

    const claimant = randomUUID();
    const raised = await outbox.claim(options(claimant));
    expect(raised.map((d) => [d.channel, d.payload.alert.subjectId, d.traceParent]).sort()).toEqual([
      ['kafka', 'traced', traced],
      ['kafka', 'untraced', null],
      ['webhook', 'traced', traced],
      ['webhook', 'untraced', null],
    ]);
    await outbox.delivered(
      raised.map((d) => d.id),
      claimant,
      null,
    );
    const resolved = await outbox.claim(options(claimant));
    expect(resolved.map((d) => [d.channel, d.payload.type, d.traceParent]).sort()).toEqual([
      ['kafka', 'alert.resolved', resolvedBy],
      ['webhook', 'alert.resolved', resolvedBy],
    ]);
  });
});

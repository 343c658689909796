import { randomBytes, randomUUID } from 'node:crypto';
import { WebhookTargetPolicy } from '@orgpulse/domain';
import { AlertsStore, connectDatabase } from '@orgpulse/persistence';
import { SecretBox, createLogger } from '@orgpulse/platform';
import { TestDatabase, eventually } from '@orgpulse/testing';
import type { Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { DeliverAlertsHandler } from './deliver-alerts.handler';
import { DeliveryDispatcher } from './delivery-dispatcher';

type Send = Producer['send'];

/** The dispatcher on a real PostgreSQL, with a producer that records what it is asked to send. */
describe('delivering to Kafka: one send per batch of claimed deliveries', () => {
  let testDb: TestDatabase;
  let db: DataSource;
  const sends: Parameters<Send>[0][] = [];
  let failNext = false;
  // how long the broker takes to answer a send, and the most sends it had at once
  let answerAfterMs = 0;
  let sendsAtOnce = 0;
  let mostSendsAtOnce = 0;
  const producer: Pick<Producer, 'send'> = {
    send: async (record) => {
      sends.push(record);
      mostSendsAtOnce = Math.max(mostSendsAtOnce, ++sendsAtOnce);
      try {
        if (answerAfterMs > 0) await new Promise((resolve) => setTimeout(resolve, answerAfterMs));
        if (failNext) {
          failNext = false;
          throw new Error('broker away');
        }
        return [];
      } finally {
        sendsAtOnce--;
      }
    },
  };
  const dispatcher = (kafkaBatch = 500) =>
    new DeliveryDispatcher(
      db,
      new DeliverAlertsHandler(
        db,
        producer,
        {
          retryBaseMs: 10,
          retryMaxMs: 10,
          webhookTimeoutMs: 1_000,
          policy: new WebhookTargetPolicy(),
          secrets: new SecretBox(randomBytes(32)),
        },
        createLogger('alerter-test', 'silent'),
      ),
      { concurrency: 50, kafkaBatch, perWebhook: 2, pollMs: 100 },
      createLogger('alerter-test', 'silent'),
    );
  const raise = async (n: number) => {
    const orgId = randomUUID();
    await db.query(`INSERT INTO organizations (id, name) VALUES ($1, 'kafka')`, [orgId]);
    await new AlertsStore(db).raiseAll(
      Array.from({ length: n }, (_, i) => ({
        orgId,
        condition: { rule: 'TEAM_IDLE' as const, subjectId: `t${i}`, since: 0, figures: {} },
        lane: 'live' as const,
      })),
      new Date(),
    );
  };
  const pending = async () =>
    (
      await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM alert_outbox WHERE status = 'pending'`)
    )[0].n;

  beforeAll(async () => {
    testDb = await TestDatabase.create('dispatch');
    db = await connectDatabase({ url: testDb.url, startupTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    await db.destroy();
    await testDb.drop();
  });

  it('sends 30 raised alerts of two orgs in one request, keyed by alert id; a failed send retries them all', async () => {
    await raise(20);
    await raise(10);
    failNext = true;
    const running = dispatcher();
    running.start();
    try {
      await eventually(async () => expect(await pending()).toBe(0), { timeoutMs: 20_000, intervalMs: 100 });
    } finally {
      await running.stop();
    }
    expect(sends.map((s) => s.messages.length)).toEqual([30, 30]); // failed once, then sent again whole
    expect(new Set(sends[1].messages.map((m) => m.key)).size).toBe(30);
    const [{ attempts }] = await db.query<{ attempts: number }[]>(
      `SELECT min(attempts)::int AS attempts FROM alert_outbox`,
    );
    expect(attempts).toBe(2);
  });

  it('sends a sweep’s 1,200 alerts in batches of the Kafka batch size, one send at a time, not 50 at a time', async () => {
    sends.length = 0;
    mostSendsAtOnce = 0;
    // a slow broker: the dispatcher's clock (100 ms) wakes it several times during each send
    answerAfterMs = 300;
    await db.query(`UPDATE alert_outbox SET status = 'delivered' WHERE status = 'pending'`);
    await raise(1_200);
    const running = dispatcher(500);
    running.start();
    try {
      await eventually(async () => expect(await pending()).toBe(0), { timeoutMs: 30_000, intervalMs: 100 });
    } finally {
      await running.stop();
    }
    expect(sends.map((s) => s.messages.length)).toEqual([500, 500, 200]);
    expect(mostSendsAtOnce).toBe(1);
    expect(new Set(sends.flatMap((s) => s.messages.map((m) => m.key))).size).toBe(1_200);
  });
});

import { createHmac } from 'node:crypto';
import { type AlertChanged, type AlertCloudEvent, Topics } from '@orgpulse/contracts';
import {
  type SpawnedProcess,
  TestDatabase,
  WebhookReceiver,
  eventually,
  freePort,
  graphql,
  postEvents,
  readTopicToEnd,
  runCli,
  spawnApp,
  testEnvironment,
  waitForHealthy,
  freePorts,
} from '@orgpulse/testing';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

const SECRET = 'a-webhook-secret-of-the-test';
// the receivers of this test listen on loopback, which webhooks may reach only when the operator allows it
const ALLOW_LOCAL_RECEIVERS = '127.0.0.0/8';
// records and JSON webhook bodies are CloudEvents, the change in data
const changeOf = (json: string | null): AlertChanged => (JSON.parse(json ?? '') as AlertCloudEvent).data;
const hmac = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

describe('alerting on the real stack (ingest, projector, two alerters, API)', () => {
  jest.setTimeout(300_000);
  const { kafkaBrokers } = testEnvironment();
  let db: TestDatabase;
  const apps: SpawnedProcess[] = [];
  let alerters: SpawnedProcess[] = [];
  let ingestUrl: string;
  let apiPort: number;
  let org: { orgId: string; ingestKey: string; apiToken: string };
  let good: WebhookReceiver;
  let flaky: WebhookReceiver;
  let subscription: Client;
  const pushed: { id: string; status: string; subjectId: string }[] = [];

  const startAlerter = async () => {
    const port = await freePort();
    const alerter = spawnApp('alerter', {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafkaBrokers,
      ALERTER_PORT: String(port),
      HOST: '127.0.0.1',
      ALERTER_INTERVAL_MS: '2000',
      ALERTER_RETRY_BASE_MS: '1500',
      ALERTER_WEBHOOK_ALLOW_CIDRS: ALLOW_LOCAL_RECEIVERS,
    });
    await waitForHealthy(`http://127.0.0.1:${port}/health`, alerter);
    alerters.push(alerter);
    return alerter;
  };
  const api = (query: string) => graphql(`http://127.0.0.1:${apiPort}/graphql`, org.apiToken, query, {});

  beforeAll(async () => {
    db = await TestDatabase.create('alerting');
    const [ingestPort, projectorPort] = await freePorts(2);
    apiPort = await freePort();
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    const common = { DATABASE_URL: db.url, KAFKA_BROKERS: kafkaBrokers, HOST: '127.0.0.1' };
    apps.push(
      spawnApp('ingest', { ...common, INGEST_PORT: String(ingestPort) }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_GROUP_ID: `alerting-${projectorPort}`,
      }),
      spawnApp('api', {
        ...common,
        API_PORT: String(apiPort),
        ALERTER_WEBHOOK_ALLOW_CIDRS: ALLOW_LOCAL_RECEIVERS,
      }),
    );
    await waitForHealthy(`${ingestUrl}/health`, apps[0]);
    await waitForHealthy(`http://127.0.0.1:${projectorPort}/health`, apps[1]);
    await waitForHealthy(`http://127.0.0.1:${apiPort}/health`, apps[2]);
    org = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Alerting'], { DATABASE_URL: db.url })).stdout,
    ) as typeof org;
    [good, flaky] = [await WebhookReceiver.start(), await WebhookReceiver.start(3)];
    for (const receiver of [good, flaky]) {
      const registered = await api(
        `mutation { registerWebhook(url: "${receiver.url}", secret: "${SECRET}") { id } }`,
      );
      expect(registered.errors).toBeUndefined();
    }
    subscription = createClient({
      url: `ws://127.0.0.1:${apiPort}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${org.apiToken}` },
    });
    await new Promise<void>((resolve, reject) => {
      subscription.subscribe<{ alertChanged: { id: string; status: string; subjectId: string } }>(
        { query: 'subscription { alertChanged { id status subjectId } }' },
        {
          next: (value) => value.data && pushed.push(value.data.alertChanged),
          error: reject,
          complete: () => undefined,
        },
      );
      subscription.on('connected', () => resolve());
    });
    await startAlerter();
    await startAlerter(); // two instances on purpose
  });

  afterAll(async () => {
    await subscription?.dispose();
    await Promise.all([...apps, ...alerters].map((a) => a.stop()));
    await good?.close();
    await flaky?.close();
    await db.drop();
  });

  it('a team blocked 72 h ago is TEAM_IDLE within 60 s on every channel, once; unblocking resolves it everywhere', async () => {
    const blockedAt = new Date(Date.now() - 72 * 3_600_000).toISOString();
    const posted = Date.now();
    expect(
      (
        await postEvents(
          ingestUrl,
          [
            {
              id: 'reg',
              type: 'team.registered',
              occurredAt: blockedAt,
              data: { teamId: 'core', name: 'Core', headcount: 6 },
            },
            {
              id: 'blk',
              type: 'team.blocked',
              occurredAt: blockedAt,
              data: { teamId: 'core', reason: 'dependency' },
            },
            { id: 'int', type: 'discovery.interview-held', occurredAt: blockedAt, data: { teamId: 'core' } },
          ],
          { key: org.ingestKey },
        )
      ).status,
    ).toBe(202);

    const open = await eventually(
      async () => {
        const answer = await api('{ alerts(status: OPEN) { id rule subjectId status figures } }');
        const alerts = (
          answer.data as {
            alerts: { id: string; rule: string; subjectId: string; figures: { idlePersonDays: number } }[];
          }
        ).alerts;
        expect(alerts).toEqual([expect.objectContaining({ rule: 'TEAM_IDLE', subjectId: 'core' })]);
        return alerts[0];
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(Date.now() - posted).toBeLessThan(60_000);
    expect(open.figures.idlePersonDays).toBeCloseTo(18, 1); // 6 people × 3 days

    await eventually(
      () => expect(pushed).toContainEqual({ id: open.id, status: 'OPEN', subjectId: 'core' }),
      { timeoutMs: 30_000 },
    );
    await eventually(async () => {
      const raisedOnKafka = await readTopicToEnd(kafkaBrokers, Topics.alerts, (r) => r.key === open.id);
      expect(raisedOnKafka.map((r) => changeOf(r.value).type)).toEqual(['alert.raised']);
      expect(raisedOnKafka[0].headers['content-type']).toBe('application/cloudevents+json');
      expect(JSON.parse(raisedOnKafka[0].value ?? '')).toMatchObject({
        specversion: '1.0',
        id: `${open.id}:raised`,
        type: 'orgpulse.alert.raised',
        subject: 'core',
      });
    });
    const raisedAtReceiver = await eventually(() => {
      const [delivery] = good.accepted();
      expect(delivery).toBeDefined();
      return delivery;
    });
    expect(raisedAtReceiver.signature).toBe(hmac(raisedAtReceiver.body));
    expect(JSON.parse(raisedAtReceiver.body)).toMatchObject({
      specversion: '1.0',
      id: `${open.id}:raised`,
      type: 'orgpulse.alert.raised',
      data: { type: 'alert.raised', alert: { id: open.id, status: 'OPEN', orgId: org.orgId } },
    });

    expect(
      (
        await postEvents(
          ingestUrl,
          {
            id: 'unb',
            type: 'team.unblocked',
            occurredAt: new Date().toISOString(),
            data: { teamId: 'core' },
          },
          { key: org.ingestKey },
        )
      ).status,
    ).toBe(202);
    await eventually(
      async () => expect((await api('{ alerts(status: OPEN) { id } }')).data).toEqual({ alerts: [] }),
      { timeoutMs: 60_000 },
    );
    await eventually(
      () => expect(pushed).toContainEqual({ id: open.id, status: 'RESOLVED', subjectId: 'core' }),
      { timeoutMs: 30_000 },
    );
    await eventually(async () => {
      const records = await readTopicToEnd(kafkaBrokers, Topics.alerts, (r) => r.key === open.id);
      expect(records.map((r) => changeOf(r.value).type)).toEqual(['alert.raised', 'alert.resolved']);
    });
    await eventually(() =>
      expect(good.accepted().map((d) => changeOf(d.body).type)).toEqual(['alert.raised', 'alert.resolved']),
    );
    for (const delivery of good.accepted()) expect(delivery.signature).toBe(hmac(delivery.body));

    // Two alerters ran all along: one alert, raised once and resolved once.
    const all = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM alerts WHERE org_id = $1 AND rule = 'TEAM_IDLE'`,
      [org.orgId],
    );
    expect(all[0].n).toBe(1);
  });

  it('a receiver failing its first 3 deliveries gets the alert on a retry, though the alerters were killed between attempts', async () => {
    await eventually(() => expect(flaky.received.length).toBeGreaterThanOrEqual(1), { timeoutMs: 30_000 });
    for (const alerter of alerters) alerter.child.kill('SIGKILL');
    await Promise.all(alerters.map((a) => a.exited));
    alerters = [];
    await startAlerter();

    const delivered = await eventually(
      () => {
        const types = flaky.accepted().map((d) => changeOf(d.body).type);
        expect(types).toEqual(['alert.raised', 'alert.resolved']);
        return flaky.accepted();
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(flaky.received.slice(0, 3).every((r) => r.answeredWith === 500)).toBe(true);
    for (const delivery of delivered) expect(delivery.signature).toBe(hmac(delivery.body));
    const history = await api('{ webhooks { url deliveries { status attempts lastStatus } } }');
    const flakyHook = (
      history.data as { webhooks: { url: string; deliveries: { status: string; attempts: number }[] }[] }
    ).webhooks.find((w) => w.url === flaky.url);
    expect(flakyHook?.deliveries.every((d) => d.status === 'delivered')).toBe(true);
    expect(Math.max(...(flakyHook?.deliveries.map((d) => d.attempts) ?? []))).toBeGreaterThanOrEqual(4);
  });

  it('time passing with no new event opens an alert within 60 s of its condition becoming true', async () => {
    const conditionAt = Date.now() + 20_000; // blocked 48 h ago in 20 s
    const blockedAt = new Date(conditionAt - 48 * 3_600_000).toISOString();
    expect(
      (
        await postEvents(
          ingestUrl,
          [
            {
              id: 'reg-later',
              type: 'team.registered',
              occurredAt: blockedAt,
              data: { teamId: 'later', name: 'Later', headcount: 3 },
            },
            {
              id: 'blk-later',
              type: 'team.blocked',
              occurredAt: blockedAt,
              data: { teamId: 'later', reason: 'decision-pending' },
            },
          ],
          { key: org.ingestKey },
        )
      ).status,
    ).toBe(202);
    await eventually(
      async () => {
        const answer = await api('{ alerts(status: OPEN) { rule subjectId } }');
        expect((answer.data as { alerts: unknown[] }).alerts).toContainEqual({
          rule: 'TEAM_IDLE',
          subjectId: 'later',
        });
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(Date.now()).toBeGreaterThanOrEqual(conditionAt);
    expect(Date.now() - conditionAt).toBeLessThan(60_000);
  });
});

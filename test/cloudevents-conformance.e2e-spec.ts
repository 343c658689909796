import { createHmac } from 'node:crypto';
import { Topics, isRecordOfOrg } from '@orgpulse/contracts';
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
} from '@orgpulse/testing';
import { CloudEvent, HTTP, Kafka, type KafkaMessage, Mode, emitterFor, httpTransport } from 'cloudevents';
import { type Client, createClient } from 'graphql-ws';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import WebSocket from 'ws';

const SECRET = 'a-webhook-secret-of-the-conformance-test';
const ALLOW_LOCAL_RECEIVERS = '127.0.0.0/8';

interface AlertData {
  type: string;
  version: number;
  alert: { id: string; orgId: string; rule: string; subjectId: string; status: string };
}

/**
 * The standards orgpulse speaks, spoken by clients nobody here wrote: the official CloudEvents SDK
 * (HTTP emitters in binary and structured mode, its Kafka and HTTP decoders), graphql-ws's own
 * client, and a Prometheus text-format parser.
 */
describe('conformance with CloudEvents, graphql-ws and Prometheus, through their own clients', () => {
  jest.setTimeout(240_000);
  const { kafkaBrokers } = testEnvironment();
  let db: TestDatabase;
  const apps: SpawnedProcess[] = [];
  let ingestUrl: string;
  let apiUrl: string;
  let metricsUrls: Record<string, string>;
  let org: { orgId: string; ingestKey: string; apiToken: string };
  let receiver: WebhookReceiver;
  let subscription: Client;
  const pushed: { id: string; status: string; rule: string; subjectId: string }[] = [];
  const auth = () => ({ headers: { authorization: `Bearer ${org.ingestKey}` } });
  const emit = (mode: Mode) => emitterFor(httpTransport(`${ingestUrl}/v1/events`), { binding: HTTP, mode });

  beforeAll(async () => {
    db = await TestDatabase.create('cloudevents');
    const [ingestPort, projectorPort, apiPort, alerterPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    apiUrl = `http://127.0.0.1:${apiPort}`;
    metricsUrls = {
      projector: `http://127.0.0.1:${projectorPort}/metrics`,
      alerter: `http://127.0.0.1:${alerterPort}/metrics`,
    };
    const common = { DATABASE_URL: db.url, KAFKA_BROKERS: kafkaBrokers, HOST: '127.0.0.1' };
    apps.push(
      spawnApp('ingest', { ...common, INGEST_PORT: String(ingestPort) }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_GROUP_ID: `cloudevents-${projectorPort}`,
      }),
      spawnApp('api', {
        ...common,
        API_PORT: String(apiPort),
        ALERTER_WEBHOOK_ALLOW_CIDRS: ALLOW_LOCAL_RECEIVERS,
      }),
      spawnApp('alerter', {
        ...common,
        ALERTER_PORT: String(alerterPort),
        ALERTER_INTERVAL_MS: '2000',
        ALERTER_WEBHOOK_ALLOW_CIDRS: ALLOW_LOCAL_RECEIVERS,
      }),
    );
    await waitForHealthy(`${ingestUrl}/health`, apps[0]);
    await waitForHealthy(`http://127.0.0.1:${projectorPort}/health`, apps[1]);
    await waitForHealthy(`${apiUrl}/health`, apps[2]);
    await waitForHealthy(`http://127.0.0.1:${alerterPort}/health`, apps[3]);
    org = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Conformance'], { DATABASE_URL: db.url })).stdout,
    ) as typeof org;
    receiver = await WebhookReceiver.start();
    const registered = await graphql(
      `${apiUrl}/graphql`,
      org.apiToken,
      `mutation { registerWebhook(url: "${receiver.url}", secret: "${SECRET}", format: json) { id } }`,
    );
    expect(registered.errors).toBeUndefined();
    subscription = createClient({
      url: `ws://127.0.0.1:${apiPort}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${org.apiToken}` },
    });
    await new Promise<void>((resolve, reject) => {
      subscription.on('connected', () => resolve());
      subscription.subscribe<{ alertChanged: (typeof pushed)[number] }>(
        { query: 'subscription { alertChanged { id status rule subjectId } }' },
        {
          next: (value) => value.data && pushed.push(value.data.alertChanged),
          error: reject,
          complete: () => undefined,
        },
      );
    });
  });

  afterAll(async () => {
    await subscription?.dispose();
    await Promise.all(apps.map((a) => a.stop()));
    await receiver?.close();
    await db?.drop();
  });

  it('the same event sent by the SDK in binary, structured and batch mode (and hand percent-encoded) is one record each, identical, and one event in the store', async () => {
    const event = new CloudEvent({
      id: 'ce-conformance-1',
      type: 'team.registered',
      source: '/jira/acme',
      time: new Date(Date.now() - 3_600_000).toISOString(),
      data: { teamId: 'conformance', name: 'Conformance', headcount: 4 },
    });
    // the SDK's emitters answer with the body and headers only; each must say it was accepted
    for (const mode of [Mode.BINARY, Mode.STRUCTURED]) {
      const answer = (await emit(mode)(event, auth())) as { body: string };
      expect([mode, JSON.parse(answer.body)]).toEqual([mode, { accepted: 1 }]);
    }
    // the SDK has no batch emitter: its events, serialized by it, as the batch format
    const batch = await postEvents(ingestUrl, `[${event.toString()}]`, {
      key: org.ingestKey,
      contentType: 'application/cloudevents-batch+json',
    });
    expect([batch.status, batch.body]).toEqual([202, { accepted: 1 }]);
    // binary mode as the HTTP binding writes it (3.1.3.2): values percent-encoded
    const { 'content-type': contentType, ...ceHeaders } = HTTP.binary(event).headers as Record<
      string,
      string
    >;
    const encoded = await postEvents(ingestUrl, HTTP.binary(event).body, {
      key: org.ingestKey,
      contentType,
      headers: { ...ceHeaders, 'ce-source': '%2Fjira%2Facme' },
    });
    expect([encoded.status, encoded.body]).toEqual([202, { accepted: 1 }]);

    const records = await eventually(async () => {
      const found = await readTopicToEnd(kafkaBrokers, Topics.events, (r) => isRecordOfOrg(r.key, org.orgId));
      expect(found).toHaveLength(4);
      return found;
    });
    const values = records.map((r) => {
      const { ingestedAt, ...value } = JSON.parse(r.value ?? '') as Record<string, unknown>;
      expect(typeof ingestedAt).toBe('string');
      return { key: r.key, headers: r.headers, value };
    });
    expect(values[0].value).toEqual({
      id: 'ce-conformance-1',
      type: 'team.registered',
      occurredAt: event.time,
      source: '/jira/acme',
      data: { teamId: 'conformance', name: 'Conformance', headcount: 4 },
      idScope: 'source',
      version: 1,
      orgId: org.orgId,
    });
    for (const value of values.slice(1)) expect(value).toEqual(values[0]);
    await eventually(async () => {
      const rows = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM event_store WHERE org_id = $1 AND event_id = $2',
        [org.orgId, 'ce-conformance-1'],
      );
      expect(rows[0].n).toBe(1);
    });
  });

  it('a binary-mode event missing a required attribute is refused with the 400 shape, at the header', async () => {
    const {
      'ce-id': _id,
      'content-type': contentType,
      ...headers
    } = HTTP.binary(new CloudEvent({ id: 'x', type: 'team.archived', source: '/s', data: { teamId: 't' } }))
      .headers as Record<string, string>;
    const answer = await postEvents(ingestUrl, { teamId: 't' }, { key: org.ingestKey, contentType, headers });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      errors: [
        expect.objectContaining({ code: 'INVALID_EVENTS', index: 0, path: 'ce-id', message: 'is required' }),
      ],
    });
  });

  it('an alert raised by a blocked team is a valid CloudEvent on Kafka and at the webhook (decoded by the SDK), and reaches graphql-ws', async () => {
    const blockedAt = new Date(Date.now() - 72 * 3_600_000).toISOString();
    const binary = emit(Mode.BINARY);
    for (const event of [
      { id: 'ce-reg', type: 'team.registered', data: { teamId: 'stuck', name: 'Stuck', headcount: 3 } },
      { id: 'ce-blk', type: 'team.blocked', data: { teamId: 'stuck', reason: 'dependency' } },
      { id: 'ce-int', type: 'discovery.interview-held', data: { teamId: 'stuck' } },
    ]) {
      const answer = (await binary(
        new CloudEvent<Record<string, unknown>>({ ...event, source: '/e2e', time: blockedAt }),
        auth(),
      )) as {
        body: string;
      };
      expect(JSON.parse(answer.body)).toEqual({ accepted: 1 });
    }

    const raised = await eventually(
      () => {
        const alert = pushed.find((a) => a.rule === 'TEAM_IDLE' && a.subjectId === 'stuck');
        expect(alert).toMatchObject({ status: 'OPEN' });
        return alert as (typeof pushed)[number];
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );

    const onKafka = await eventually(async () => {
      const [record] = await readTopicToEnd(kafkaBrokers, Topics.alerts, (r) => r.key === raised.id);
      expect(record).toBeDefined();
      return record;
    });
    const kafkaMessage: KafkaMessage<string> = {
      key: onKafka.key ?? '',
      headers: onKafka.headers,
      value: onKafka.value ?? '',
      body: onKafka.value ?? '', // the binding's base Message; the Kafka decoder reads value
    };
    const fromKafka = Kafka.toEvent(kafkaMessage) as CloudEvent<AlertData>;
    expect(fromKafka.validate()).toBe(true);
    expect(fromKafka).toMatchObject({
      specversion: '1.0',
      id: `${raised.id}:raised`,
      type: 'orgpulse.alert.raised',
      source: `/orgs/${org.orgId}/alerts`,
      subject: 'stuck',
      datacontenttype: 'application/json',
    });
    expect(fromKafka.data).toMatchObject({
      type: 'alert.raised',
      version: 1,
      alert: { id: raised.id, orgId: org.orgId, rule: 'TEAM_IDLE', subjectId: 'stuck', status: 'OPEN' },
    });

    const delivery = await eventually(() => {
      const [accepted] = receiver.accepted();
      expect(accepted).toBeDefined();
      return accepted;
    });
    expect(delivery.signature).toBe(
      `sha256=${createHmac('sha256', SECRET).update(delivery.body).digest('hex')}`,
    );
    expect(delivery.headers['content-type']).toBe('application/cloudevents+json');
    const fromWebhook = HTTP.toEvent({
      headers: delivery.headers,
      body: delivery.body,
    }) as CloudEvent<AlertData>;
    expect(fromWebhook.validate()).toBe(true);
    // the Kafka binding maps the record key to partitionkey (3.1): the alert id
    const { partitionkey, ...kafkaAttributes } = fromKafka.toJSON();
    expect(partitionkey).toBe(raised.id);
    expect(fromWebhook.toJSON()).toEqual(kafkaAttributes);
  });

  it('every /metrics parses as the Prometheus text exposition format', async () => {
    for (const [app, url] of Object.entries(metricsUrls)) {
      const response = await fetch(url);
      expect([app, response.status]).toEqual([app, 200]);
      const families = parsePrometheusTextFormat(await response.text());
      expect(families.map((f) => f.name)).toContain(`orgpulse_${app}_degraded`);
      for (const family of families) {
        for (const metric of family.metrics) {
          const values = metric.value !== undefined ? [metric.value] : Object.values(metric.buckets ?? {});
          for (const value of values)
            expect([family.name, Number.isNaN(Number(value))]).toEqual([family.name, false]);
        }
      }
    }
  });
});

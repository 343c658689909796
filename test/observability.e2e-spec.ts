import { randomBytes } from 'node:crypto';
import {
  KafkaBroker,
  OtlpReceiver,
  type SpawnedProcess,
  TcpProxy,
  TestDatabase,
  WebhookReceiver,
  eventually,
  freePort,
  graphql,
  postEvents,
  runCli,
  spawnApp,
  waitForHealthy,
} from '@orgpulse/testing';
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';

type App = 'ingest' | 'projector' | 'api' | 'alerter';
const APPS: App[] = ['ingest', 'projector', 'api', 'alerter'];
const PORT_VARIABLE: Record<App, string> = {
  ingest: 'INGEST_PORT',
  projector: 'PROJECTOR_PORT',
  api: 'API_PORT',
  alerter: 'ALERTER_PORT',
};
// OTLP span kinds as the JSON encoding numbers them
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;
/** A Kubernetes probe's default timeout: a probe slower than this counts as failed. */
const PROBE_TIMEOUT_MS = 1_000;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** GET within the probe timeout; throws if the answer takes longer (as a kubelet would count it). */
async function probe(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const family = (families: MetricFamily[], name: string): MetricFamily => {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`no metric ${name} in: ${families.map((f) => f.name).join(', ')}`);
  return found;
};
const valueOf = (f: MetricFamily, labels: Record<string, string>): number =>
  f.metrics
    .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    .reduce((sum, m) => sum + Number(m.value ?? 0), 0);

/**
 * What an operator sees of the four apps, through real clients: Prometheus metrics scraped and parsed,
 * a trace followed from a client's `traceparent` through ingest, Kafka, the projector and the alerter's
 * deliveries into an OTLP receiver, and /livez and /readyz while Kafka hangs and PostgreSQL is cut off.
 */
describe('observability: metrics, traces and probes of every app', () => {
  jest.setTimeout(240_000);
  let broker: KafkaBroker;
  let db: TestDatabase;
  let proxy: TcpProxy;
  let otlp: OtlpReceiver;
  let webhook: WebhookReceiver;
  const apps = {} as Record<App, SpawnedProcess>;
  const urls = {} as Record<App, string>;
  let org: { orgId: string; ingestKey: string; apiToken: string };
  const traceId = hex(16);
  const clientSpanId = hex(8);

  beforeAll(async () => {
    broker = await KafkaBroker.create();
    await broker.start();
    db = await TestDatabase.create('observability');
    const target = new URL(db.url);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(db.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    otlp = await OtlpReceiver.start();
    webhook = await WebhookReceiver.start(1);
    for (const app of APPS) {
      const port = await freePort();
      urls[app] = `http://127.0.0.1:${port}`;
      apps[app] = spawnApp(app, {
        DATABASE_URL: viaProxy.toString(),
        KAFKA_BROKERS: broker.brokers,
        HOST: '127.0.0.1',
        [PORT_VARIABLE[app]]: String(port),
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '200',
        READINESS_CHECK_INTERVAL_MS: '500',
        ALERTER_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8',
        // evaluation follows the projector's change notices; the clock stays out of the way
        ALERTER_INTERVAL_MS: '60000',
        ALERTER_RETRY_BASE_MS: '200',
      });
    }
    for (const app of APPS) await waitForHealthy(`${urls[app]}/readyz`, apps[app]);
    org = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Observed'], { DATABASE_URL: db.url })).stdout,
    ) as typeof org;
    const registered = await graphql(
      `${urls.api}/graphql`,
      org.apiToken,
      `mutation { registerWebhook(url: "${webhook.url}", secret: "a-secret-of-sixteen-plus", format: json) { id } }`,
    );
    expect(registered.errors).toBeUndefined();
  });

  afterAll(async () => {
    await Promise.all(APPS.map((app) => apps[app]?.stop()));
    await Promise.all([otlp?.close(), webhook?.close(), proxy?.close()]);
    await db?.drop();
    await broker?.stop();
  });

  it('continues the trace of a traceparent sent to ingest: the request, Kafka, the projector, the alert and its deliveries', async () => {
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const posted = await postEvents(
      urls.ingest,
      [
        {
          id: 'traced-register',
          type: 'team.registered',
          occurredAt: threeDaysAgo,
          data: { teamId: 'traced', name: 'Traced', headcount: 5 },
        },
        {
          id: 'traced-block',
          type: 'team.blocked',
          occurredAt: threeDaysAgo,
          data: { teamId: 'traced', reason: 'dependency' },
        },
      ],
      { key: org.ingestKey, headers: { traceparent: `00-${traceId}-${clientSpanId}-01` } },
    );
    expect(posted.status).toBe(202);

    const spans = await eventually(
      () => {
        const found = otlp.trace(traceId);
        expect(found.map((s) => s.name)).toEqual(
          expect.arrayContaining(['alert deliver webhook', 'alert deliver kafka']),
        );
        return found;
      },
      { timeoutMs: 60_000 },
    );
    const one = (service: string, name: string) => {
      const matching = spans.filter((s) => s.service === service && s.name === name);
      expect([service, name, matching.length > 0]).toEqual([service, name, true]);
      return matching[0];
    };
    const request = one('orgpulse-ingest', 'POST /v1/events');
    expect(request).toMatchObject({ kind: SERVER, parentSpanId: clientSpanId });
    expect(request.attributes['http.response.status_code']).toBe(202);
    const publish = one('orgpulse-ingest', 'orgpulse.events.v1 publish');
    expect(publish).toMatchObject({ kind: PRODUCER, parentSpanId: request.spanId });
    const projected = one('orgpulse-projector', 'orgpulse.events.v1 process');
    expect(projected).toMatchObject({ kind: CONSUMER, parentSpanId: publish.spanId });
    const evaluated = one('orgpulse-alerter', 'alerts evaluate');
    expect(evaluated.parentSpanId).toBe(projected.spanId);
    expect(evaluated.attributes['orgpulse.alerts.raised']).toBe(1);
    const toWebhook = spans.filter((s) => s.name === 'alert deliver webhook');
    expect(toWebhook.every((s) => s.kind === CLIENT && s.parentSpanId === evaluated.spanId)).toBe(true);
    expect(one('orgpulse-alerter', 'alert deliver kafka')).toMatchObject({
      kind: PRODUCER,
      parentSpanId: evaluated.spanId,
    });

    // the receiver can continue it too, and the alerter's log line about the refused first attempt names it
    expect(webhook.received[0].headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    await eventually(() => expect(webhook.accepted()).toHaveLength(1));
    const failedAttempt = apps.alerter.stdout
      .split('\n')
      .filter((line) => line.includes('alert delivery failed'))
      .map((line) => JSON.parse(line) as { trace_id?: string; span_id?: string });
    expect(failedAttempt[0]?.trace_id).toBe(traceId);
    expect(toWebhook.map((s) => s.spanId)).toContain(failedAttempt[0]?.span_id);
  });

  it('serves Prometheus metrics on every app, named and typed by convention', async () => {
    // a dashboard asked twice: the second answer comes from the result cache
    for (let i = 0; i < 2; i++)
      expect((await graphql(`${urls.api}/graphql`, org.apiToken, '{ teams { id } }')).errors).toBeUndefined();
    // two windows a day apart: the second reads no team's timeline again, it finds each held
    const timelineLookups = async () => {
      const families = parsePrometheusTextFormat(await (await fetch(`${urls.api}/metrics`)).text());
      const lookups = family(families, 'orgpulse_cache_requests_total');
      return ['hit', 'miss'].map((result) => valueOf(lookups, { cache: 'api_team_timelines', result }));
    };
    const lookups: { teams: number; hits: number; misses: number }[] = [];
    for (const from of ['2026-01-05T00:00:00Z', '2026-01-06T00:00:00Z']) {
      const query = `{ teams { id idleness(window: { from: "${from}", to: "2026-02-01T00:00:00Z" }) { blockedHours } } }`;
      const answer = await graphql(`${urls.api}/graphql`, org.apiToken, query);
      expect(answer.errors).toBeUndefined();
      const [hits, misses] = await timelineLookups();
      lookups.push({ teams: (answer.data as { teams: unknown[] }).teams.length, hits, misses });
    }
    const [first, second] = lookups;
    expect(first.misses).toBeGreaterThan(0);
    expect(second.misses).toBe(first.misses);
    expect(second.hits - first.hits).toBe(second.teams);
    await fetch(`${urls.ingest}/no/such/path/${hex(4)}`);

    const scraped = {} as Record<App, MetricFamily[]>;
    const texts = {} as Record<App, string>;
    for (const app of APPS) {
      const response = await fetch(`${urls[app]}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      texts[app] = await response.text();
      scraped[app] = parsePrometheusTextFormat(texts[app]);
      const types = Object.fromEntries(scraped[app].map((f) => [f.name, f.type]));
      // process and Node.js runtime
      expect(types).toMatchObject({
        process_cpu_seconds_total: 'COUNTER',
        process_resident_memory_bytes: 'GAUGE',
        nodejs_eventloop_lag_seconds: 'GAUGE',
        nodejs_heap_size_used_bytes: 'GAUGE',
        nodejs_gc_duration_seconds: 'HISTOGRAM',
        orgpulse_http_requests_total: 'COUNTER',
        orgpulse_http_request_duration_seconds: 'HISTOGRAM',
      });
      // conventions: counters end in _total, durations are histograms in seconds
      for (const f of scraped[app].filter((f) => f.name.startsWith('orgpulse_'))) {
        if (f.type === 'COUNTER') expect([app, f.name]).toEqual([app, expect.stringMatching(/_total$/)]);
        if (f.name.includes('duration'))
          expect([app, f.name, f.type]).toEqual([app, expect.stringMatching(/_seconds$/), 'HISTOGRAM']);
      }
    }
    // the LISTEN connection each cache and the alerter's wake-ups rely on: up, never lost
    for (const app of ['ingest', 'api', 'alerter'] as const) {
      const listener = { listener: `orgpulse-${app}-listener` };
      expect([app, valueOf(family(scraped[app], 'orgpulse_notification_listener_up'), listener)]).toEqual([
        app,
        1,
      ]);
      expect([
        app,
        valueOf(family(scraped[app], 'orgpulse_notification_listener_losses_total'), listener),
      ]).toEqual([app, 0]);
    }
    const http = (app: App) => family(scraped[app], 'orgpulse_http_requests_total');
    expect(valueOf(http('ingest'), { method: 'POST', route: '/v1/events', status: '202' })).toBeGreaterThan(
      0,
    );
    // a path that matches no route is one label value, whatever the path
    expect(valueOf(http('ingest'), { route: 'unmatched', status: '404' })).toBe(1);
    expect(valueOf(http('api'), { method: 'POST', route: '/graphql', status: '200' })).toBeGreaterThan(0);

    expect(family(scraped.ingest, 'orgpulse_ingest_events_total').type).toBe('COUNTER');
    expect(valueOf(family(scraped.ingest, 'orgpulse_ingest_events_total'), { outcome: 'published' })).toBe(2);
    expect(family(scraped.ingest, 'orgpulse_ingest_publish_duration_seconds').type).toBe('HISTOGRAM');
    expect(family(scraped.ingest, 'orgpulse_ingest_publish_backlog_bytes').type).toBe('GAUGE');
    const keyCache = family(scraped.ingest, 'orgpulse_cache_requests_total');
    expect(valueOf(keyCache, { cache: 'ingest_keys', result: 'miss' })).toBeGreaterThan(0);

    const projector = Object.fromEntries(scraped.projector.map((f) => [f.name, f]));
    expect(projector.orgpulse_projector_events_appended_total.type).toBe('COUNTER');
    expect(valueOf(projector.orgpulse_projector_events_appended_total, {})).toBe(2);
    expect(projector.orgpulse_projector_batch_duration_seconds.type).toBe('HISTOGRAM');
    expect(projector.orgpulse_projector_stage_duration_seconds.type).toBe('HISTOGRAM');
    // (the parser drops a histogram's labels: read them from the text)
    for (const stage of ['decode', 'lock', 'append', 'read_models', 'dead_letters', 'offsets'])
      expect(texts.projector).toMatch(
        new RegExp(`^orgpulse_projector_stage_duration_seconds_count\\{stage="${stage}"\\} [1-9]`, 'm'),
      );
    expect(projector.orgpulse_projector_consumer_lag.type).toBe('GAUGE');
    expect(projector.orgpulse_projector_consumer_lag.metrics[0].labels).toHaveProperty('partition');

    const results = family(scraped.api, 'orgpulse_cache_requests_total');
    expect(valueOf(results, { cache: 'api_results', result: 'hit' })).toBeGreaterThan(0);
    expect(valueOf(results, { cache: 'api_results', result: 'miss' })).toBeGreaterThan(0);
    expect(valueOf(family(scraped.api, 'orgpulse_cache_bytes'), { cache: 'api_results' })).toBeGreaterThan(0);
    expect(valueOf(family(scraped.api, 'orgpulse_cache_entries'), { cache: 'api_results' })).toBeGreaterThan(
      0,
    );
    const alertRecords = family(scraped.api, 'orgpulse_api_alert_records_total');
    expect(alertRecords.type).toBe('COUNTER');
    expect(alertRecords.metrics.map((m) => m.labels?.outcome).sort()).toEqual([
      'published',
      'unreadable',
      'unwatched',
    ]);

    const alerter = Object.fromEntries(scraped.alerter.map((f) => [f.name, f]));
    expect(
      valueOf(alerter.orgpulse_alerter_evaluation_rounds_total, { kind: 'changed', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(alerter.orgpulse_alerter_evaluation_round_duration_seconds.type).toBe('HISTOGRAM');
    expect(alerter.orgpulse_alerter_org_evaluation_duration_seconds.type).toBe('HISTOGRAM');
    expect(valueOf(alerter.orgpulse_alerter_alert_changes_total, { change: 'raised' })).toBe(1);
    const deliveries = alerter.orgpulse_alerter_deliveries_total;
    expect(valueOf(deliveries, { channel: 'webhook', outcome: 'failed' })).toBe(1);
    expect(valueOf(deliveries, { channel: 'webhook', outcome: 'delivered' })).toBe(1);
    expect(valueOf(deliveries, { channel: 'kafka', outcome: 'delivered' })).toBe(1);
    expect(alerter.orgpulse_alerter_delivery_duration_seconds.type).toBe('HISTOGRAM');
    expect(alerter.orgpulse_alerter_degraded.type).toBe('GAUGE');
  });

  it('answers /livez and /readyz within a probe timeout while Kafka hangs, and says which dependency is down', async () => {
    process.kill(broker.pid(), 'SIGSTOP');
    try {
      for (const app of APPS) {
        expect(await probe(`${urls[app]}/livez`)).toEqual({ status: 200, body: { status: 'alive' } });
        const notReady = await eventually(async () => {
          const answer = await probe(`${urls[app]}/readyz`);
          expect([app, answer.status]).toEqual([app, 503]);
          return answer;
        });
        expect(notReady.body).toMatchObject({
          status: 'not-ready',
          checks: { kafka: 'down', database: 'up' },
        });
      }
      // the alerter's /health is answered from its background checks: at once, and it tells the truth
      const health = await probe(`${urls.alerter}/health`);
      expect(health).toMatchObject({
        status: 503,
        body: { status: 'unavailable', checks: { kafka: 'down' } },
      });
    } finally {
      process.kill(broker.pid(), 'SIGCONT');
    }
    for (const app of APPS)
      await eventually(async () => expect((await probe(`${urls[app]}/readyz`)).status).toBe(200), {
        timeoutMs: 60_000,
      });
  });

  it('answers /livez and /readyz within a probe timeout while PostgreSQL is cut off, and ready again once it is back', async () => {
    proxy.cut();
    try {
      for (const app of APPS) {
        expect((await probe(`${urls[app]}/livez`)).status).toBe(200);
        const notReady = await eventually(async () => {
          const answer = await probe(`${urls[app]}/readyz`);
          expect([app, answer.status]).toEqual([app, 503]);
          return answer;
        });
        expect(notReady.body).toMatchObject({ checks: { database: 'down' } });
      }
      expect((await probe(`${urls.alerter}/health`)).body).toMatchObject({ checks: { database: 'down' } });
    } finally {
      proxy.restore();
    }
    for (const app of APPS)
      await eventually(async () => expect((await probe(`${urls[app]}/readyz`)).status).toBe(200), {
        timeoutMs: 60_000,
      });
    for (const app of APPS) expect(apps[app].running).toBe(true);
  });
});

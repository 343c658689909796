import {
  type SpawnedProcess,
  TestDatabase,
  eventually,
  graphql,
  postEvents,
  runCli,
  spawnApp,
  testEnvironment,
  waitForHealthy,
  freePorts,
} from '@orgpulse/testing';
import { CloudEvent, HTTP, Mode, emitterFor, httpTransport } from 'cloudevents';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/**
 * Contract §11 through the real stack, with the official CloudEvents SDK: a CloudEvent is identified
 * by its source and id; data_base64 is taken; the trace context is kept with the event; a re-used
 * identity with other content keeps the first and is counted on the projector's /metrics and logged.
 */
describe('event identity: CloudEvents by source and id (contract §11)', () => {
  jest.setTimeout(240_000);
  const { kafkaBrokers } = testEnvironment();
  let db: TestDatabase;
  const apps: SpawnedProcess[] = [];
  let ingestUrl: string;
  let apiUrl: string;
  let projectorUrl: string;
  let org: { orgId: string; ingestKey: string; apiToken: string };
  const time = new Date(Date.now() - 3_600_000).toISOString();
  const window = {
    from: new Date(Date.now() - 86_400_000).toISOString(),
    to: new Date(Date.now() + 86_400_000).toISOString(),
  };
  let markers = 0;

  const emit = (mode: Mode, event: CloudEvent<unknown>) =>
    emitterFor(httpTransport(`${ingestUrl}/v1/events`), { binding: HTTP, mode })(event, {
      headers: { authorization: `Bearer ${org.ingestKey}` },
    }) as Promise<{ body: string }>;
  const shipment = (id: string, source: string, release: string, extra: Record<string, unknown> = {}) =>
    new CloudEvent({
      id,
      source,
      type: 'delivery.shipped',
      time,
      datacontenttype: 'application/json',
      data: { teamId: 'identity', release },
      ...extra,
    });
  const ships = async () =>
    (
      await graphql<{ team: { delivery: { ships: number } } | null }>(
        apiUrl,
        org.apiToken,
        `
          query ($w: Window!) {
            team(id: "identity") {
              delivery(window: $w) {
                ships
              }
            }
          }
        `,
        { w: window },
      )
    ).data?.team?.delivery.ships ?? 0;
  /** One more ship of the same team (one subject, one partition): once counted, all before it were projected. */
  const shipsAfterMarker = async (expected: number) => {
    markers += 1;
    const answer = await emit(Mode.BINARY, shipment(`marker-${markers}`, '/markers', 'marker'));
    expect(JSON.parse(answer.body)).toEqual({ accepted: 1 });
    await eventually(async () => expect(await ships()).toBe(expected + markers));
  };
  const conflictsCounted = async () => {
    const families = parsePrometheusTextFormat(await (await fetch(projectorUrl)).text());
    const family = families.find((f) => f.name === 'orgpulse_events_conflicting_total');
    return (family?.metrics ?? [])
      .filter((m) => (m as { labels?: Record<string, string> }).labels?.org === org.orgId)
      .reduce((sum, m) => sum + Number((m as { value: string }).value), 0);
  };

  beforeAll(async () => {
    db = await TestDatabase.create('event_identity');
    const [ingestPort, projectorPort, apiPort] = await freePorts(3);
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    projectorUrl = `http://127.0.0.1:${projectorPort}/metrics`;
    const common = { DATABASE_URL: db.url, KAFKA_BROKERS: kafkaBrokers, HOST: '127.0.0.1' };
    apps.push(
      spawnApp('ingest', { ...common, INGEST_PORT: String(ingestPort) }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_GROUP_ID: `identity-${projectorPort}`,
      }),
      spawnApp('api', { ...common, API_PORT: String(apiPort) }),
    );
    await waitForHealthy(`${ingestUrl}/health`, apps[0]);
    await waitForHealthy(`http://127.0.0.1:${projectorPort}/health`, apps[1]);
    await waitForHealthy(`http://127.0.0.1:${apiPort}/health`, apps[2]);
    org = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Identity'], { DATABASE_URL: db.url })).stdout,
    ) as typeof org;
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await db?.drop();
  });

  it('counts two CloudEvents with one id from two sources as two, and one sent again as one', async () => {
    expect(JSON.parse((await emit(Mode.BINARY, shipment('deploy-7', '/ci/a', 'v7'))).body)).toEqual({
      accepted: 1,
    });
    expect(JSON.parse((await emit(Mode.BINARY, shipment('deploy-7', '/ci/b', 'v7'))).body)).toEqual({
      accepted: 1,
    });
    expect(JSON.parse((await emit(Mode.STRUCTURED, shipment('deploy-7', '/ci/a', 'v7'))).body)).toEqual({
      accepted: 1,
    });
    await shipsAfterMarker(2);
    // a native event is identified by its id within the org: not one of the CloudEvents
    const native = await postEvents(
      ingestUrl,
      {
        id: 'deploy-7',
        type: 'delivery.shipped',
        occurredAt: time,
        source: '/ci/a',
        data: { teamId: 'identity' },
      },
      { key: org.ingestKey },
    );
    expect(native.status).toBe(202);
    await shipsAfterMarker(3);
    // the batch format, serialized by the SDK: one id from two sources is two events here too
    const batch = await postEvents(
      ingestUrl,
      `[${shipment('deploy-9', '/ci/c', 'v9').toString()},${shipment('deploy-9', '/ci/d', 'v9').toString()}]`,
      { key: org.ingestKey, contentType: 'application/cloudevents-batch+json' },
    );
    expect([batch.status, batch.body]).toEqual([202, { accepted: 2 }]);
    await shipsAfterMarker(5);
    expect(await conflictsCounted()).toBe(0);
  });

  it('takes data_base64 holding JSON, as the SDK writes binary data in structured mode', async () => {
    const event = shipment('deploy-8', '/ci/a', 'unused', {
      data: Buffer.from(JSON.stringify({ teamId: 'identity', release: 'v8' })),
    });
    const { body } = HTTP.structured(event);
    expect(JSON.parse(body as string)).toHaveProperty('data_base64');
    expect(JSON.parse((await emit(Mode.STRUCTURED, event)).body)).toEqual({ accepted: 1 });
    await shipsAfterMarker(6);
    const [row] = await db.query<{ data: unknown }>(
      `SELECT data FROM event_store WHERE org_id = $1 AND event_id = 'deploy-8'`,
      [org.orgId],
    );
    expect(row.data).toEqual({ teamId: 'identity', release: 'v8' });
  });

  it('keeps traceparent and tracestate with the event, in binary and structured mode', async () => {
    const traced = (id: string) =>
      shipment(id, '/traced', 'v9', { traceparent: TRACEPARENT, tracestate: 'rojo=00f067aa0ba902b7' });
    for (const [id, mode] of [
      ['traced-binary', Mode.BINARY],
      ['traced-structured', Mode.STRUCTURED],
    ] as const)
      expect(JSON.parse((await emit(mode, traced(id))).body)).toEqual({ accepted: 1 });
    await shipsAfterMarker(8);
    const rows = await db.query<{ event_id: string; traceparent: string; tracestate: string }>(
      `SELECT event_id, traceparent, tracestate FROM event_store
        WHERE org_id = $1 AND event_id LIKE 'traced-%' ORDER BY event_id`,
      [org.orgId],
    );
    expect(rows).toEqual([
      { event_id: 'traced-binary', traceparent: TRACEPARENT, tracestate: 'rojo=00f067aa0ba902b7' },
      { event_id: 'traced-structured', traceparent: TRACEPARENT, tracestate: 'rojo=00f067aa0ba902b7' },
    ]);
    const refused = await postEvents(
      ingestUrl,
      { ...JSON.parse(traced('traced-bad').toString()), traceparent: 'not-a-traceparent' },
      { key: org.ingestKey, contentType: 'application/cloudevents+json' },
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      errors: [expect.objectContaining({ code: 'INVALID_EVENTS', path: 'traceparent' })],
    });
  });

  it('keeps the first of a re-used identity with other content, and counts and logs the repeat', async () => {
    const repeat = shipment('deploy-7', '/ci/a', 'a-different-release');
    expect(JSON.parse((await emit(Mode.BINARY, repeat)).body)).toEqual({ accepted: 1 });
    await shipsAfterMarker(8);
    await eventually(async () => expect(await conflictsCounted()).toBe(1));
    const [stored] = await db.query<{ data: { release: string } }>(
      `SELECT data FROM event_store WHERE org_id = $1 AND identity_source = '/ci/a' AND event_id = 'deploy-7'`,
      [org.orgId],
    );
    expect(stored.data.release).toBe('v7');
    const warning = apps[1].stdout
      .split('\n')
      .filter((line) => line.includes('re-used a stored identity'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      // the projector reads the shared topic from its start: earlier runs' orgs are there too
      .filter((logged) => logged.orgId === org.orgId);
    expect(warning).toEqual([
      expect.objectContaining({
        level: 'warn',
        orgId: org.orgId,
        eventId: 'deploy-7',
        source: '/ci/a',
        storedPosition: expect.any(Number),
      }),
    ]);
  });
});

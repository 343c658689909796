import { Topics, isRecordOfOrg } from '@orgpulse/contracts';
import {
  KafkaBroker,
  type SpawnedProcess,
  eventually,
  freePort,
  postEvents,
  readTopicToEnd,
  runCli,
  sampleEvent,
  spawnApp,
  testEnvironment,
  waitForHealthy,
} from '@orgpulse/testing';

describe('ingest while Kafka is down (its own broker, stopped and restarted)', () => {
  jest.setTimeout(180_000);
  let broker: KafkaBroker;
  let ingest: SpawnedProcess | undefined;

  beforeAll(async () => {
    broker = await KafkaBroker.create();
    await broker.start();
  });

  afterAll(async () => {
    await ingest?.stop();
    await broker.stop();
  });

  it('answers 503 with Retry-After and accepts nothing; the same request succeeds once Kafka is back, and lands once', async () => {
    const { ingestKey, orgId } = JSON.parse((await runCli(['org', 'create', '--name', 'Outage'])).stdout) as {
      ingestKey: string;
      orgId: string;
    };
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    ingest = spawnApp('ingest', {
      DATABASE_URL: testEnvironment().databaseUrl,
      KAFKA_BROKERS: broker.brokers,
      INGEST_PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitForHealthy(`${baseUrl}/health`, ingest);

    const before = sampleEvent({ id: 'outage-before' });
    expect((await postEvents(baseUrl, before, { key: ingestKey })).status).toBe(202);

    await broker.stop();
    const request = Array.from({ length: 20 }, (_, i) =>
      sampleEvent({ id: `outage-${i}` }, { teamId: `team-${i % 6}` }),
    );
    const refused = await postEvents(baseUrl, request, { key: ingestKey });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body).toEqual({ errors: [expect.objectContaining({ code: 'KAFKA_UNAVAILABLE' })] });
    expect((await postEvents(baseUrl, request, { key: ingestKey })).status).toBe(503);

    await broker.start();
    const accepted = await eventually(
      async () => {
        const response = await postEvents(baseUrl, request, { key: ingestKey });
        expect(response.status).toBe(202);
        return response;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(accepted.body).toEqual({ accepted: 20 });

    const records = await readTopicToEnd(broker.brokers, Topics.events, (r) => isRecordOfOrg(r.key, orgId));
    const counts = new Map<string, number>();
    for (const r of records) {
      const id = (JSON.parse(r.value ?? '{}') as { id: string }).id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual(
      Object.fromEntries([before, ...request].map((e) => [e.id, 1])),
    );
  });
});

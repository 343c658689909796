import {
  KafkaBroker,
  type SpawnedProcess,
  eventually,
  freePort,
  spawnApp,
  testEnvironment,
  waitForHealthy,
} from '@orgpulse/testing';

describe('ingest /health follows Kafka', () => {
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

  it('answers 503 while Kafka is stopped and recovers by itself when it returns', async () => {
    const port = await freePort();
    const health = `http://127.0.0.1:${port}/health`;
    ingest = spawnApp('ingest', {
      DATABASE_URL: testEnvironment().databaseUrl,
      KAFKA_BROKERS: broker.brokers,
      INGEST_PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitForHealthy(health, ingest);

    await broker.stop();
    const down = await eventually(async () => {
      const response = await fetch(health);
      expect(response.status).toBe(503);
      return (await response.json()) as { checks: Record<string, string> };
    });
    expect(down.checks).toEqual({ kafka: 'down', database: 'up' });

    await broker.start();
    await eventually(async () => expect((await fetch(health)).status).toBe(200), { timeoutMs: 60_000 });
    expect(ingest.running).toBe(true);
  });
});

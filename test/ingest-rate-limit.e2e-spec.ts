import { Topics } from '@orgpulse/contracts';
import {
  type SpawnedProcess,
  freePort,
  postEvents,
  runCli,
  sampleEvent,
  spawnApp,
  testEnvironment,
  topicEndOffset,
  waitForHealthy,
} from '@orgpulse/testing';

describe('ingest rate limit per key', () => {
  jest.setTimeout(120_000);
  let ingest: SpawnedProcess;
  let baseUrl: string;
  const { databaseUrl, kafkaBrokers } = testEnvironment();

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    ingest = spawnApp('ingest', {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: kafkaBrokers,
      INGEST_PORT: String(port),
      HOST: '127.0.0.1',
      INGEST_RATE_LIMIT_PER_SECOND: '1',
      INGEST_RATE_LIMIT_BURST: '3',
    });
    await waitForHealthy(`${baseUrl}/health`, ingest);
  });
  afterAll(() => ingest.stop());

  it('answers 429 with Retry-After past the burst, writes nothing, and limits each key on its own', async () => {
    const create = async () =>
      JSON.parse((await runCli(['org', 'create', '--name', 'Busy'])).stdout) as { ingestKey: string };
    const [busy, quiet] = [await create(), await create()];
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await postEvents(baseUrl, sampleEvent(), { key: busy.ingestKey })).status);
    expect(statuses).toEqual([202, 202, 202]);

    const before = await topicEndOffset(kafkaBrokers, Topics.events);
    const limited = await postEvents(baseUrl, sampleEvent(), { key: busy.ingestKey });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.body).toEqual({ errors: [expect.objectContaining({ code: 'RATE_LIMITED' })] });
    expect(await topicEndOffset(kafkaBrokers, Topics.events)).toBe(before);

    expect((await postEvents(baseUrl, sampleEvent(), { key: quiet.ingestKey })).status).toBe(202);
  });
});

import { randomUUID } from 'node:crypto';
import {
  KafkaBroker,
  RunningProjector,
  type SpawnedProcess,
  TcpProxy,
  TestDatabase,
  eventually,
  freePort,
  postEvents,
  runCli,
  spawnApp,
  storedEventIds,
  teamEventStream,
  readModelsVersusFold,
  waitForHealthy,
} from '@orgpulse/testing';

const EVENTS = 20_000;
const PER_REQUEST = 1_000;

describe('projector resilience (spawned apps, its own broker and database)', () => {
  jest.setTimeout(600_000);
  let broker: KafkaBroker;
  let db: TestDatabase;
  let ingest: SpawnedProcess;
  let ingestUrl: string;
  const projectors: RunningProjector[] = [];

  beforeAll(async () => {
    broker = await KafkaBroker.create();
    await broker.start();
    db = await TestDatabase.create('resilience');
    const port = await freePort();
    ingestUrl = `http://127.0.0.1:${port}`;
    ingest = spawnApp('ingest', {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.brokers,
      INGEST_PORT: String(port),
      HOST: '127.0.0.1',
      INGEST_RATE_LIMIT_PER_SECOND: '0',
    });
    await waitForHealthy(`${ingestUrl}/health`, ingest);
  });

  afterAll(async () => {
    await Promise.all(projectors.map((p) => p.process.stop()));
    await ingest.stop();
    await broker.stop();
    await db.drop();
  });

  const newOrg = async () =>
    JSON.parse(
      (await runCli(['org', 'create', '--name', 'Resilience'], { DATABASE_URL: db.url })).stdout,
    ) as {
      orgId: string;
      ingestKey: string;
    };

  async function postAll(ingestKey: string, events: ReturnType<typeof teamEventStream>): Promise<void> {
    for (let i = 0; i < events.length; i += PER_REQUEST) {
      const response = await postEvents(ingestUrl, events.slice(i, i + PER_REQUEST), { key: ingestKey });
      expect(response.status).toBe(202);
    }
  }

  it(`every accepted event lands exactly once while the projector is SIGKILLed 5+ times over ${EVENTS} events`, async () => {
    const { orgId, ingestKey } = await newOrg();
    const events = teamEventStream(EVENTS, 60);
    const groupId = `crash-${randomUUID()}`;
    // a short session: the group notices each killed instance sooner (the crash itself is the same)
    const start = () =>
      RunningProjector.start({
        databaseUrl: db.url,
        brokers: broker.brokers,
        groupId,
        extra: { PROJECTOR_SESSION_TIMEOUT_MS: '10000' },
      });
    let projector = await start();

    let streaming = true;
    const streamed = postAll(ingestKey, events).finally(() => (streaming = false));
    let kills = 0;
    while (kills < 5 || streaming) {
      // a random moment: somewhere inside a batch, between batches, or while joining the group
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 1200));
      projector.process.child.kill('SIGKILL');
      await projector.process.exited;
      kills += 1;
      projector = await start();
      if (kills > 40) break;
    }
    await streamed;
    projectors.push(projector);

    await eventually(async () => expect(await storedEventIds(db, orgId)).toHaveLength(EVENTS), {
      timeoutMs: 240_000,
      intervalMs: 500,
    });
    const ids = await storedEventIds(db, orgId);
    expect(new Set(ids).size).toBe(EVENTS);
    expect(ids.sort()).toEqual(events.map((e) => e.id).sort());
    const { stored, folded } = await readModelsVersusFold(db, orgId);
    expect(stored).toEqual(folded);
    expect(kills).toBeGreaterThanOrEqual(5);
  });

  it('PostgreSQL unreachable for 30 s mid-stream: the projector waits, loses and skips nothing, and catches up', async () => {
    const { orgId, ingestKey } = await newOrg();
    const database = new URL(db.url);
    const proxy = await TcpProxy.start(database.hostname, Number(database.port || 5432));
    database.host = `127.0.0.1:${proxy.port}`;
    const projector = await RunningProjector.start({
      databaseUrl: database.toString(),
      brokers: broker.brokers,
      groupId: `outage-${randomUUID()}`,
    });
    projectors.push(projector);
    try {
      const events = teamEventStream(4_000, 30);
      await postAll(ingestKey, events.slice(0, 2_000));
      await eventually(async () => expect((await storedEventIds(db, orgId)).length).toBeGreaterThan(0), {
        timeoutMs: 60_000,
      });

      proxy.cut();
      const cutAt = Date.now();
      await postAll(ingestKey, events.slice(2_000)); // ingest has its own connection: Kafka keeps taking events
      await eventually(async () => expect((await projector.health()).status).toBe('unavailable'));
      while (Date.now() - cutAt < 30_000) {
        expect(projector.process.running).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      proxy.restore();

      await eventually(async () => expect(await storedEventIds(db, orgId)).toHaveLength(4_000), {
        timeoutMs: 120_000,
        intervalMs: 500,
      });
      expect((await storedEventIds(db, orgId)).sort()).toEqual(events.map((e) => e.id).sort());
      const { stored, folded } = await readModelsVersusFold(db, orgId);
      expect(stored).toEqual(folded);
      expect(projector.process.running).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});

import { Topics } from '@orgpulse/contracts';
import {
  KafkaBroker,
  type SpawnedProcess,
  TestDatabase,
  eventually,
  freePorts,
  postEvents,
  produceRaw,
  readTopicToEnd,
  runCli,
  spawnApp,
  waitForHealthy,
} from '@orgpulse/testing';
import { Client } from 'pg';

interface Org {
  orgId: string;
  ingestKey: string;
}

const STUCK_AFTER_MS = 4_000;
const PROJECTION_LOCK = 7_317_002; // libs/persistence projection-lock.ts

/** Raw record values as a hostile or buggy producer could write them straight to the topic. */
const poisonValues = (orgId: string): [string, string][] => {
  const envelope = (id: string, occurredAt: string, teamId: string) =>
    `{"id":"${id}","type":"team.registered","occurredAt":"${occurredAt}","orgId":"${orgId}",` +
    `"ingestedAt":"2026-11-20T09:00:00.000Z","version":1,"data":{"teamId":"${teamId}","name":"n","headcount":1}}`;
  return [
    ['year 0000', envelope('poison-year-0', '0000-06-01T00:00:00Z', 'team-p1')],
    ['year 10000', envelope('poison-year-10000', '+010000-06-01T00:00:00Z', 'team-p2')],
    ['U+0000 in a string', envelope('poison-nul', '2026-11-20T09:00:00Z', 'team\\u0000p3')],
    ['an unpaired surrogate', envelope('poison-surrogate', '2026-11-20T09:00:00Z', 'team\\ud800p4')],
    ['not JSON', '{"id":"poison-not-json",'],
    [
      'an unknown type',
      envelope('poison-type', '2026-11-20T09:00:00Z', 'x').replace('team.registered', 'team.exploded'),
    ],
    ['no org', envelope('poison-no-org', '2026-11-20T09:00:00Z', 'x').replace(`"orgId":"${orgId}",`, '')],
    [
      'a schema failure',
      envelope('poison-schema', '2026-11-20T09:00:00Z', 'x').replace('"headcount":1', '"headcount":-5'),
    ],
  ];
};

const registered = (teamId: string) => ({
  id: `${teamId}-registered`,
  type: 'team.registered',
  occurredAt: '2026-11-20T09:00:00Z',
  data: { teamId, name: teamId, headcount: 2 },
});

describe('poison on the events topic: other orgs keep flowing, each poison is dead-lettered once (spawned apps)', () => {
  jest.setTimeout(300_000);
  let broker: KafkaBroker;
  let db: TestDatabase;
  let apps: SpawnedProcess[] = [];
  let ingestUrl: string;
  let projectorUrl: string;
  let orgA: Org;
  let orgB: Org;
  const healthSeen: {
    at: number;
    status: number;
    body: { status: string; problems: { problem: string }[] };
  }[] = [];
  let watching = true;
  let watcher: Promise<void>;

  beforeAll(async () => {
    broker = await KafkaBroker.create();
    await broker.start();
    db = await TestDatabase.create('poison');
    const newOrg = async (name: string) =>
      JSON.parse((await runCli(['org', 'create', '--name', name], { DATABASE_URL: db.url })).stdout) as Org;
    [orgA, orgB] = [await newOrg('Hostile'), await newOrg('Bystander')];
    const [ingestPort, projectorPort] = await freePorts(2);
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    projectorUrl = `http://127.0.0.1:${projectorPort}`;
    const common = { DATABASE_URL: db.url, KAFKA_BROKERS: broker.brokers, HOST: '127.0.0.1' };
    apps = [
      spawnApp('ingest', { ...common, INGEST_PORT: String(ingestPort), INGEST_RATE_LIMIT_PER_SECOND: '0' }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_STUCK_AFTER_MS: String(STUCK_AFTER_MS),
        PROJECTOR_DEAD_LETTER_GRACE_MS: '500',
      }),
    ];
    await waitForHealthy(`${ingestUrl}/health`, apps[0]);
    await waitForHealthy(`${projectorUrl}/health`, apps[1]);
    watcher = (async () => {
      while (watching) {
        const response = await fetch(`${projectorUrl}/health`).catch(() => undefined);
        if (response)
          healthSeen.push({
            at: Date.now(),
            status: response.status,
            body: (await response.json()) as never,
          });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
  });

  afterAll(async () => {
    watching = false;
    await watcher;
    await Promise.all(apps.map((app) => app.stop()));
    await broker.stop();
    await db.drop();
  });

  const storedCount = async (orgId: string) =>
    (
      await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_store WHERE org_id = $1`, [orgId])
    )[0].n;

  it('projects org B around org A poison, and dead-letters each poison record exactly once', async () => {
    const poison = poisonValues(orgA.orgId);
    // the same key as org B's team, so poison and good records share partitions
    await produceRaw(
      broker.brokers,
      Topics.events,
      poison.map(([, value], i) => ({ key: `${orgB.orgId}/team:b-${i}`, value: Buffer.from(value) })),
    );
    const posted = await postEvents(
      ingestUrl,
      Array.from({ length: 30 }, (_, i) => registered(`b-${i}`)),
      {
        key: orgB.ingestKey,
      },
    );
    expect(posted.status).toBe(202);

    await eventually(async () => expect(await storedCount(orgB.orgId)).toBe(30), { timeoutMs: 60_000 });
    expect(await storedCount(orgA.orgId)).toBe(0);

    const letters = await eventually(
      async () => {
        const found = await readTopicToEnd(broker.brokers, Topics.eventsDeadLetter);
        expect(found).toHaveLength(poison.length);
        return found;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    expect(letters.map((l) => l.value).sort()).toEqual(poison.map(([, value]) => value).sort());
    for (const letter of letters) expect(letter.headers['orgpulse-error']).toBeTruthy();

    // nothing stayed stuck for the configured time, so /health never said 503
    expect(healthSeen.length).toBeGreaterThan(0);
    expect(healthSeen.filter((h) => h.status !== 200)).toEqual([]);
  });

  it('says 503 degraded once records wait longer than the configured time, and ok again when they move', async () => {
    // a rebuild's swap holds this lock: batches wait behind it, the dependencies still answer
    const blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('SELECT pg_advisory_lock($1)', [PROJECTION_LOCK]);
    const blockedAt = Date.now();
    try {
      expect((await postEvents(ingestUrl, [registered('waits')], { key: orgB.ingestKey })).status).toBe(202);
      const degraded = await eventually(
        () => {
          const seen = healthSeen.find((h) => h.at > blockedAt && h.status === 503);
          expect(seen).toBeDefined();
          return seen as (typeof healthSeen)[number];
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      expect(degraded.at - blockedAt).toBeGreaterThanOrEqual(STUCK_AFTER_MS);
      expect(degraded.body.status).toBe('degraded');
      expect(degraded.body.problems.map((p) => p.problem).join()).toMatch(
        /records waiting and its offset has not moved/,
      );
      const metrics = await (await fetch(`${projectorUrl}/metrics`)).text();
      expect(metrics).toMatch(/^orgpulse_projector_degraded 1$/m);
    } finally {
      await blocker.query('SELECT pg_advisory_unlock($1)', [PROJECTION_LOCK]);
      await blocker.end();
    }
    await eventually(async () => expect(await storedCount(orgB.orgId)).toBe(31), { timeoutMs: 60_000 });
    await eventually(async () => expect((await fetch(`${projectorUrl}/health`)).status).toBe(200), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
  });
});

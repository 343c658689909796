import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type SpawnedProcess,
  TestDatabase,
  eventually,
  freePorts,
  graphql,
  kafkaScript,
  postEvents,
  runCli,
  spawnApp,
  waitForHealthy,
} from '@orgpulse/testing';

interface Org {
  orgId: string;
  ingestKey: string;
  apiToken: string;
}

const registered = (teamId: string) => ({
  id: `${teamId}-registered`,
  type: 'team.registered',
  occurredAt: '2026-11-20T09:00:00Z',
  data: { teamId, name: teamId, headcount: 4 },
});

/**
 * The newcomer case: PostgreSQL keeps the offsets of a Kafka cluster that is gone (another checkout's,
 * a recreated topic, a migrated cluster). Events posted to the new cluster must be projected, not skipped.
 */
describe('a fresh Kafka under a database that holds offsets of another cluster (spawned apps)', () => {
  jest.setTimeout(300_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'orgpulse-kafka-reset-'));
  let kafkaEnv: NodeJS.ProcessEnv;
  let brokers: string;
  let db: TestDatabase;
  let org: Org;
  let apps: SpawnedProcess[] = [];
  let ports: number[];

  const startKafka = async (fresh: boolean) => {
    brokers = await kafkaScript(['start'], { ...kafkaEnv, KAFKA_FRESH: fresh ? '1' : '0' });
  };
  const startApps = async () => {
    const [ingestPort, projectorPort, apiPort] = ports;
    const common = { DATABASE_URL: db.url, KAFKA_BROKERS: brokers, HOST: '127.0.0.1' };
    apps = [
      spawnApp('ingest', { ...common, INGEST_PORT: String(ingestPort), INGEST_RATE_LIMIT_PER_SECOND: '0' }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_SESSION_TIMEOUT_MS: '6000',
      }),
      spawnApp('api', { ...common, API_PORT: String(apiPort), API_RESULT_CACHE_MS: '0' }),
    ];
    await Promise.all(ports.map((port, i) => waitForHealthy(`http://127.0.0.1:${port}/health`, apps[i])));
  };
  const stopApps = () => Promise.all(apps.map((app) => app.stop()));
  const post = async (events: unknown[]) =>
    expect((await postEvents(`http://127.0.0.1:${ports[0]}`, events, { key: org.ingestKey })).status).toBe(
      202,
    );
  const teamVisible = (teamId: string) =>
    eventually(
      async () => {
        const answer = await graphql<{ team: { id: string } | null }>(
          `http://127.0.0.1:${ports[2]}/graphql`,
          org.apiToken,
          'query ($id: ID!) { team(id: $id) { id } }',
          { id: teamId },
        );
        expect(answer.data?.team?.id).toBe(teamId);
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );

  beforeAll(async () => {
    const [kafkaPort, controllerPort, ...appPorts] = await freePorts(5);
    ports = appPorts;
    kafkaEnv = {
      ...process.env,
      KAFKA_PORT: String(kafkaPort),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_DATA_DIR: dataDir,
    };
    await startKafka(true);
    db = await TestDatabase.create('kafka_reset');
    org = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Reset'], { DATABASE_URL: db.url })).stdout,
    ) as Org;
  });

  afterAll(async () => {
    await stopApps();
    await kafkaScript(['stop'], kafkaEnv).catch(() => undefined);
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('projects what is posted after Kafka starts over with a fresh data directory', async () => {
    await startApps();
    // enough records that every partition's stored offset is past what the new cluster will hold
    await post(Array.from({ length: 60 }, (_, i) => registered(`before-${i}`)));
    await teamVisible('before-59');
    const [{ stored }] = await db.query<{ stored: string }>(
      `SELECT max(next_offset)::text AS stored FROM projector_offsets`,
    );
    expect(Number(stored)).toBeGreaterThan(1);

    await stopApps();
    await kafkaScript(['stop'], kafkaEnv);
    await startKafka(true); // same address, a new cluster: the old topic, its offsets and groups are gone
    await startApps();

    await post([registered('payments')]);
    await teamVisible('payments');

    const metrics = await (await fetch(`http://127.0.0.1:${ports[1]}/metrics`)).text();
    expect(metrics).toMatch(/orgpulse_projector_offset_resets_total\{reason="other-cluster"\} [1-9]/);
    expect(apps[1].stdout + apps[1].stderr).toMatch(/"level":(40|"warn").*another Kafka cluster/);
    const [{ count }] = await db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM event_store WHERE org_id = $1`,
      [org.orgId],
    );
    expect(count).toBe(61);
  });
});

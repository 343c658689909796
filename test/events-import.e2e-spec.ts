import { Topics } from '@orgpulse/contracts';
import {
  KafkaBroker,
  type SpawnedProcess,
  TestDatabase,
  eventually,
  runCli,
  spawnApp,
  topicEndOffset,
  waitForHealthy,
  freePorts,
} from '@orgpulse/testing';
import { Kafka, logLevel } from 'kafkajs';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Client } from 'pg';

const LINES = 100_000;

/** An NDJSON backfill of `lines` ships spread over 200 teams; `broken` lines are replaced by invalid ones. */
async function writeBackfill(
  path: string,
  lines: number,
  broken: Record<number, string> = {},
): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 1; i <= lines; i++) {
    const text =
      broken[i] ??
      JSON.stringify({
        id: `backfill-${i}`,
        type: 'delivery.shipped',
        occurredAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
        source: 'backfill',
        data: { teamId: `team-${i % 200}`, release: `r${i}` },
      });
    if (!out.write(`${text}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

describe('events import: a backfill of 100,000 lines through Kafka into the store (contract §9)', () => {
  jest.setTimeout(300_000);
  // a broker of its own: 200,000 records on the shared topic would be read by every later test's projector
  let broker: KafkaBroker;
  let kafkaBrokers: string;
  const dir = mkdtempSync(join(tmpdir(), 'orgpulse-import-e2e-'));
  let db: TestDatabase;
  let store: Client;
  const apps: SpawnedProcess[] = [];
  let orgId: string;
  let groupId: string;
  const env = () => ({ DATABASE_URL: db.url, KAFKA_BROKERS: kafkaBrokers });

  const storedCount = async () =>
    Number(
      (await store.query<{ n: string }>(`SELECT count(*) AS n FROM event_store WHERE org_id = $1`, [orgId]))
        .rows[0].n,
    );
  /** The projector has read everything on the topic now: whatever the import sent has reached the store. */
  const projectorCaughtUp = async () => {
    const admin = new Kafka({ brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(Topics.events).finally(() => admin.disconnect());
    await eventually(
      async () => {
        const rows = (
          await store.query<{ partition: number; next_offset: string }>(
            `SELECT partition, next_offset FROM projector_offsets WHERE consumer_group = $1 AND topic = $2`,
            [groupId, Topics.events],
          )
        ).rows;
        const next = new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
        for (const end of ends) expect((next.get(end.partition) ?? 0n) >= BigInt(end.high)).toBe(true);
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
  };

  beforeAll(async () => {
    broker = await KafkaBroker.create();
    await broker.start();
    kafkaBrokers = broker.brokers;
    db = await TestDatabase.create('import');
    store = new Client({ connectionString: db.url });
    await store.connect();
    const [ingestPort, projectorPort] = await freePorts(2);
    groupId = `import-${projectorPort}`;
    const common = { ...env(), HOST: '127.0.0.1' };
    // ingest creates the topic; the projector writes the store
    apps.push(
      spawnApp('ingest', { ...common, INGEST_PORT: String(ingestPort) }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_GROUP_ID: groupId,
      }),
    );
    await waitForHealthy(`http://127.0.0.1:${ingestPort}/health`, apps[0]);
    await waitForHealthy(`http://127.0.0.1:${projectorPort}/health`, apps[1]);
    orgId = (
      JSON.parse((await runCli(['org', 'create', '--name', 'Backfill'], env())).stdout) as { orgId: string }
    ).orgId;
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await store.end();
    await db.drop();
    await broker.remove();
  });

  it('stores every event once, after one run and after the same file again', async () => {
    const file = join(dir, 'history.ndjson');
    await writeBackfill(file, LINES);

    const first = await runCli(['events', 'import', '--org', orgId, file], env());
    expect({ code: first.code, stderr: first.code === 0 ? '' : first.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(JSON.parse(first.stdout)).toEqual({
      lines: LINES,
      accepted: LINES,
      durationMs: expect.any(Number),
    });
    expect(first.stderr).toMatch(/events import: sending 100000 of 100000 events, \d+\/s, done/);
    await eventually(async () => expect(await storedCount()).toBe(LINES), {
      timeoutMs: 120_000,
      intervalMs: 500,
    });

    const again = await runCli(['events', 'import', '--org', orgId, file], env());
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ lines: LINES, accepted: LINES });
    await projectorCaughtUp();
    expect(await storedCount()).toBe(LINES);
  });

  it('sends nothing from a file with errors on lines 3 and 99,998, and names both lines', async () => {
    const file = join(dir, 'broken.ndjson');
    await writeBackfill(file, LINES, {
      3: '{"id": "backfill-3", "type": "delivery.shipped"',
      99_998: JSON.stringify({
        id: 'x',
        type: 'delivery.shipped',
        occurredAt: '2024-01-01T00:00:00Z',
        data: {},
      }),
    });
    const before = await topicEndOffset(kafkaBrokers, Topics.events);
    const run = await runCli(['events', 'import', '--org', orgId, file], env());
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^line 3: not valid JSON/m);
    expect(run.stderr).toMatch(/^line 99998 data\.teamId: is required$/m);
    expect(run.stderr).toMatch(/2 problems in .*broken\.ndjson; nothing was sent \(lines 3, 99998\)/);
    expect(await topicEndOffset(kafkaBrokers, Topics.events)).toBe(before);
  });

  it('only validates with --dry-run', async () => {
    const file = join(dir, 'small.ndjson');
    await writeBackfill(file, 10);
    const before = await topicEndOffset(kafkaBrokers, Topics.events);
    const run = await runCli(['events', 'import', '--org', orgId, '--dry-run', file], env());
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ lines: 10, accepted: 0, valid: 10, dryRun: true });
    expect(await topicEndOffset(kafkaBrokers, Topics.events)).toBe(before);
  });
});

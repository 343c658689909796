import { randomUUID } from 'node:crypto';
import { Topics } from '@orgpulse/contracts';
import { Kafka, logLevel } from 'kafkajs';
import {
  KafkaBroker,
  RunningProjector,
  TestDatabase,
  eventually,
  freePort,
  produceAccepted,
  produceRaw,
  readTopicToEnd,
  runCli,
  spawnApp,
  storedEventIds,
  teamEventStream,
  readModelsVersusFold,
  waitForHealthy,
} from '@orgpulse/testing';

describe('the projector (spawned, its own broker and database)', () => {
  jest.setTimeout(300_000);
  let broker: KafkaBroker;
  let db: TestDatabase;
  const running: RunningProjector[] = [];
  const start = async (groupId: string) => {
    const projector = await RunningProjector.start({ databaseUrl: db.url, brokers: broker.brokers, groupId });
    running.push(projector);
    return projector;
  };

  beforeAll(async () => {
    broker = await KafkaBroker.create();
    await broker.start();
    db = await TestDatabase.create('projector');
  });

  afterAll(async () => {
    await Promise.all(running.map((p) => p.process.stop()));
    await broker.stop();
    await db.drop();
  });

  it('sends poison records to the dead-letter topic once, with error and origin, and keeps the partition flowing', async () => {
    const projector = await start('poison');
    const orgId = randomUUID();
    const valid = (id: string) => ({
      id,
      type: 'team.blocked',
      version: 1,
      orgId,
      ingestedAt: new Date().toISOString(),
      occurredAt: '2026-11-20T09:00:00Z',
      data: { teamId: 'p', reason: 'other' },
    });
    const { type: _type, ...withoutType } = valid('x');
    const { orgId: _org, ...withoutOrg } = valid('y');
    const poison = [
      { value: 'not json at all {', error: /not JSON/ },
      {
        value: JSON.stringify({ ...valid('bad-schema'), data: { teamId: 'p' } }),
        error: /data.reason is required/,
      },
      {
        value: JSON.stringify({ ...valid('unknown'), type: 'team.vanished' }),
        error: /not a known event type/,
      },
      { value: JSON.stringify(withoutType), error: /type is required/ },
      { value: JSON.stringify(withoutOrg), error: /orgId is missing/ },
    ];
    await produceRaw(broker.brokers, Topics.events, [
      ...poison.map(({ value }) => ({ key: 'poison', value, partition: 0 })),
      { key: 'poison', value: JSON.stringify(valid('after-poison')), partition: 0 },
    ]);

    await eventually(async () => expect(await storedEventIds(db, orgId)).toEqual(['after-poison']), {
      timeoutMs: 60_000,
    });
    // relayed from the dead_letters table written with the offsets
    const letters = await eventually(
      async () => {
        const found = await readTopicToEnd(broker.brokers, Topics.eventsDeadLetter);
        expect(found.map((l) => l.value)).toEqual(poison.map((p) => p.value));
        return found;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    letters.forEach((letter, i) => {
      expect(letter.headers['orgpulse-error']).toMatch(poison[i].error);
      expect(letter.headers).toMatchObject({
        'orgpulse-origin-topic': Topics.events,
        'orgpulse-origin-partition': '0',
      });
      expect(letter.key).toBe('poison');
    });

    // Restarted, it does not send them again: a later record on the same partition is projected, the DLQ is unchanged.
    await projector.process.stop();
    await start('poison');
    await produceRaw(broker.brokers, Topics.events, [
      { key: 'poison', value: JSON.stringify(valid('after-restart')), partition: 0 },
    ]);
    await eventually(
      async () => expect((await storedEventIds(db, orgId)).sort()).toEqual(['after-poison', 'after-restart']),
      { timeoutMs: 60_000 },
    );
    expect(await readTopicToEnd(broker.brokers, Topics.eventsDeadLetter)).toHaveLength(poison.length);

    // Kafka's committed offsets rewound to 0: it resumes from the offsets stored in PostgreSQL all the same.
    await running[running.length - 1].process.stop();
    const admin = new Kafka({
      clientId: 'test',
      brokers: [broker.brokers],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: 'poison',
      topic: Topics.events,
      partitions: [{ partition: 0, offset: '0' }],
    });
    await admin.disconnect();
    await start('poison');
    await produceRaw(broker.brokers, Topics.events, [
      { key: 'poison', value: JSON.stringify(valid('after-rewind')), partition: 0 },
    ]);
    await eventually(async () => expect(await storedEventIds(db, orgId)).toHaveLength(3), {
      timeoutMs: 60_000,
    });
    expect(await readTopicToEnd(broker.brokers, Topics.eventsDeadLetter)).toHaveLength(poison.length);
  });

  it('two instances in one group split the 6 partitions; no event is lost or doubled', async () => {
    await Promise.all(running.splice(0).map((p) => p.process.stop())); // no other group writing meanwhile
    const groupId = `pair-${randomUUID()}`;
    const [first, second] = [await start(groupId), await start(groupId)];
    await eventually(
      async () => {
        const assigned = [
          ...(await first.health()).projection.assignedPartitions,
          ...(await second.health()).projection.assignedPartitions,
        ];
        expect(assigned.sort()).toEqual([0, 1, 2, 3, 4, 5]);
      },
      { timeoutMs: 60_000 },
    );

    const orgId = randomUUID();
    const events = teamEventStream(3000, 40);
    await produceAccepted(broker.brokers, orgId, [...events, ...events.slice(0, 300)]); // 300 sent twice
    await eventually(async () => expect(await storedEventIds(db, orgId)).toHaveLength(3000), {
      timeoutMs: 120_000,
    });
    expect((await storedEventIds(db, orgId)).sort()).toEqual(events.map((e) => e.id).sort());

    const { stored, folded } = await readModelsVersusFold(db, orgId);
    expect(stored).toEqual(folded);

    // Both did part of the work. On a loaded machine a rebalance can hand one instance's partitions to
    // the other for a while, so more events follow until each has projected some (or the wait fails).
    await eventually(
      async () => {
        const health = [(await first.health()).projection, (await second.health()).projection];
        if (health.some((h) => h.recordsProcessedSinceStart === 0))
          await produceAccepted(broker.brokers, orgId, teamEventStream(60, 40));
        expect(health.map((h) => h.recordsProcessedSinceStart > 0)).toEqual([true, true]);
      },
      { timeoutMs: 120_000, intervalMs: 2_000 },
    );
    for (const p of [first, second])
      expect({ running: p.process.running, stderr: p.process.stderr }).toEqual({ running: true, stderr: '' });
  });

  it('reports lag and last progress on /health and /metrics', async () => {
    const projector = running[running.length - 1];
    await eventually(async () => {
      const health = await projector.health();
      expect(health.projection.lag).toBe(0);
      expect(health.projection.lastProcessedAt).not.toBeNull();
    });
    const metrics = await projector.metrics();
    expect(metrics).toMatch(/^orgpulse_projector_consumer_lag\{partition="\d"\} 0$/m);
    expect(metrics).toMatch(/^orgpulse_projector_last_processed_timestamp_seconds \d+/m);
  });

  it('`projections rebuild` recomputes the read models while the API keeps answering', async () => {
    await start(`rebuild-${randomUUID()}`);
    const { orgId, apiToken } = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Rebuild'], { DATABASE_URL: db.url })).stdout,
    ) as { orgId: string; apiToken: string };
    const apiPort = await freePort();
    const api = spawnApp('api', {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.brokers,
      API_PORT: String(apiPort),
      HOST: '127.0.0.1',
    });
    await waitForHealthy(`http://127.0.0.1:${apiPort}/health`, api);
    const teamsOverGraphql = async () => {
      const response = await fetch(`http://127.0.0.1:${apiPort}/graphql`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ query: '{ teams { id headcount blocked } }' }),
      });
      const body = (await response.json()) as { data?: { teams: { id: string }[] }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      return body.data?.teams ?? [];
    };
    const events = teamEventStream(2000, 25);
    await produceAccepted(broker.brokers, orgId, events);
    await eventually(async () => expect(await storedEventIds(db, orgId)).toHaveLength(2000), {
      timeoutMs: 120_000,
    });
    const before = await readModelsVersusFold(db, orgId);
    await db.query(
      `UPDATE team_head SET state = jsonb_set(state, '{name}', '"corrupted"') WHERE org_id = $1`,
      [orgId],
    ); // a corrupted read model

    let reads = 0;
    let rebuilding = true;
    const reader = (async () => {
      while (rebuilding) {
        expect(await teamsOverGraphql()).toHaveLength(before.stored.team_head.length); // never a half-built table
        reads += 1;
      }
    })();
    const result = await runCli(['projections', 'rebuild'], { DATABASE_URL: db.url });
    rebuilding = false;
    await reader;

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      events: expect.any(Number),
      subjects: expect.any(Number),
    });
    expect(result.stderr).toMatch(/projections rebuild: done/);
    expect(reads).toBeGreaterThan(0);
    const after = await readModelsVersusFold(db, orgId);
    expect(after.stored).toEqual(after.folded);
    expect(after.stored).toEqual(before.folded);
    expect((await teamsOverGraphql()).map((t) => t.id).sort()).toEqual(
      (before.folded.team_head as { subjectId: string }[]).map((t) => t.subjectId).sort(),
    );
    await api.stop();
  });
});

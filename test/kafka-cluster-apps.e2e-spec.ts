import {
  type AppName,
  KafkaCluster,
  type SpawnedProcess,
  TestDatabase,
  freePort,
  spawnApp,
  testEnvironment,
  waitForHealthy,
} from '@orgpulse/testing';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';

/** The built apps on a 3-node cluster: every topic they create is replicated as KAFKA_* configures. */
describe('the apps on a 3-node Kafka cluster', () => {
  jest.setTimeout(240_000);

  const portVariable: Record<AppName, string> = {
    ingest: 'INGEST_PORT',
    projector: 'PROJECTOR_PORT',
    api: 'API_PORT',
    alerter: 'ALERTER_PORT',
  };
  let cluster: KafkaCluster;
  let db: TestDatabase;
  const apps: SpawnedProcess[] = [];

  beforeAll(async () => {
    cluster = await KafkaCluster.create(3);
    db = await TestDatabase.create('cluster');
    await cluster.start();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await cluster?.stop();
    await db?.drop();
  });

  it('creates every topic with KAFKA_REPLICATION_FACTOR replicas and KAFKA_MIN_INSYNC_REPLICAS', async () => {
    const names: AppName[] = ['ingest', 'projector', 'alerter', 'api'];
    await Promise.all(
      names.map(async (name) => {
        const port = await freePort();
        const app = spawnApp(name, {
          DATABASE_URL: db.url,
          KAFKA_BROKERS: cluster.brokers,
          // unlike the cluster's own defaults for new topics (3 and 2), so only the apps can have set these
          KAFKA_REPLICATION_FACTOR: '2',
          KAFKA_MIN_INSYNC_REPLICAS: '1',
          [portVariable[name]]: String(port),
          HOST: '127.0.0.1',
        });
        apps.push(app);
        await waitForHealthy(`http://127.0.0.1:${port}/health`, app, 120_000);
      }),
    );

    const admin = new Kafka({ brokers: cluster.brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith('orgpulse.')).sort();
      expect(topics).toEqual(
        expect.arrayContaining(['orgpulse.alerts.v1', 'orgpulse.events.dlq.v1', 'orgpulse.events.v1']),
      );
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['min.insync.replicas'],
        })),
      });
      const actual = topics.map((topic) => ({
        topic,
        replicas: [
          ...new Set(metadata.find((t) => t.name === topic)?.partitions.map((p) => p.replicas.length)),
        ],
        minInsyncReplicas: (() => {
          const entry = resources
            .find((r) => r.resourceName === topic)
            ?.configEntries.find((e) => e.configName === 'min.insync.replicas');
          // configSource 1: set on the topic itself, not inherited from the broker
          return (
            entry && { value: entry.configValue, source: (entry as { configSource?: number }).configSource }
          );
        })(),
      }));
      expect(actual).toEqual(
        topics.map((topic) => ({ topic, replicas: [2], minInsyncReplicas: { value: '1', source: 1 } })),
      );
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses at boot KAFKA_MIN_INSYNC_REPLICAS above KAFKA_REPLICATION_FACTOR, in one line naming it', async () => {
    const ingest = spawnApp('ingest', {
      DATABASE_URL: testEnvironment().databaseUrl,
      KAFKA_BROKERS: cluster.brokers,
      KAFKA_REPLICATION_FACTOR: '2',
      KAFKA_MIN_INSYNC_REPLICAS: '3',
      INGEST_PORT: String(await freePort()),
    });
    const exit = await ingest.exited;
    expect(exit.code).toBe(1);
    expect(ingest.stderr.trim()).toBe(
      'orgpulse-ingest: KAFKA_MIN_INSYNC_REPLICAS: 3 is more than KAFKA_REPLICATION_FACTOR (2): ' +
        'no write with acks=all could ever succeed',
    );
  });
});

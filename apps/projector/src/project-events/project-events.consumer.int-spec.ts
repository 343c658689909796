import { randomUUID } from 'node:crypto';
import { Topics } from '@orgpulse/contracts';
import { describeTopicIdentity, toEventRecord } from '@orgpulse/messaging';
import { connectDatabase } from '@orgpulse/persistence';
import { createLogger } from '@orgpulse/platform';
import { eventually, produceRaw, readTopicToEnd, testEnvironment } from '@orgpulse/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { DeadLetterRelay } from '../dead-letters/dead-letter.relay';
import { ProjectionProgress } from '../progress/projection-progress';
import {
  type BatchOutcome,
  type PartitionBatch,
  ProjectBatchHandler,
  type ProjectableRecord,
} from './project-batch.handler';
import { ProjectEventsConsumer } from './project-events.consumer';

/** PostgreSQL's own refusal of an out-of-range date, raised for the records a test marks as poison. */
class RefusingHandler extends ProjectBatchHandler {
  transactions = 0;
  constructor(
    private readonly database: DataSource,
    groupId: string,
    private readonly poison: (r: ProjectableRecord) => boolean,
  ) {
    super(database, groupId);
  }

  override async projectAll(batches: readonly PartitionBatch[]): Promise<BatchOutcome[]> {
    this.transactions++;
    if (batches.some((b) => b.records.some(this.poison)))
      await this.database.query(`SELECT '0000-01-01T00:00:00Z'::timestamptz`);
    return super.projectAll(batches);
  }
}

const teamRegistered = (id: string, teamId: string) => ({
  id,
  type: 'team.registered' as const,
  occurredAt: '2026-11-02T09:00:00.000Z',
  data: { teamId, name: teamId, headcount: 3 },
});

describe('projector consumer: refused records are isolated and dead-lettered once (real Kafka and PostgreSQL)', () => {
  jest.setTimeout(180_000);
  const { kafkaBrokers, databaseUrl } = testEnvironment();
  const brokers = kafkaBrokers.split(',');
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const logger = createLogger('projector-int', 'silent');
  let db: DataSource;

  beforeAll(async () => {
    db = await connectDatabase({ url: databaseUrl, startupTimeoutMs: 5_000 });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: Topics.eventsDeadLetter, numPartitions: 3 }],
      waitForLeaders: true,
    });
    await admin.disconnect();
  });
  afterAll(() => db.destroy());

  it('stores every other record of the batch, keeps the partition flowing, and relays each refused one once', async () => {
    const topic = `events-int-${randomUUID()}`;
    const groupId = `group-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();

    const orgA = randomUUID();
    const orgB = randomUUID();
    const now = new Date();
    const records = [
      ...Array.from({ length: 40 }, (_, i) =>
        toEventRecord(orgB, teamRegistered(`b-${i}`, `team-${i}`), now),
      ),
      toEventRecord(orgA, teamRegistered('poison-1', 'team-1'), now),
      toEventRecord(orgA, teamRegistered('poison-2', 'team-2'), now),
      { key: 'not-json', value: Buffer.from('{"oops"') },
      ...Array.from({ length: 40 }, (_, i) =>
        toEventRecord(orgB, teamRegistered(`c-${i}`, `team-${i}`), now),
      ),
    ];
    await produceRaw(
      kafkaBrokers,
      topic,
      records.map((r) => ({ ...r, partition: 0 })),
    );

    const handler = new RefusingHandler(db, groupId, (r) => r.event.id.startsWith('poison-'));
    const progress = new ProjectionProgress({ stuckAfterMs: 60_000 });
    const consumer = new ProjectEventsConsumer(
      kafka,
      {
        groupId,
        topic,
        concurrency: 2,
        sessionTimeoutMs: 10_000,
        identify: () => describeTopicIdentity(brokers, topic),
      },
      handler,
      progress,
      logger,
    );
    const relay = new DeadLetterRelay(kafka, db, { pollMs: 200, takeoverGraceMs: 0 }, logger);
    await consumer.start();
    await relay.start();
    try {
      await eventually(
        async () => {
          const [{ count }] = await db.query(
            `SELECT count(*)::int AS count FROM event_store WHERE org_id = $1`,
            [orgB],
          );
          expect(count).toBe(80);
        },
        { timeoutMs: 60_000 },
      );
      const letters: { offset: number; error: string }[] = await db.query(
        `SELECT origin_offset::int AS offset, error FROM dead_letters WHERE origin_topic = $1 ORDER BY origin_offset`,
        [topic],
      );
      expect(letters.map((l) => l.offset)).toEqual([40, 41, 42]);
      expect(letters[0].error).toMatch(/refused by the event store: .*out of range/);
      expect(letters[2].error).toMatch(/not JSON/);
      const [{ stored }] = await db.query(
        `SELECT count(*)::int AS stored FROM event_store WHERE org_id = $1`,
        [orgA],
      );
      expect(stored).toBe(0);
      expect(progress.snapshot().recordsProcessedSinceStart).toBeGreaterThanOrEqual(83);

      const onTopic = await eventually(
        async () => {
          const found = await readTopicToEnd(
            kafkaBrokers,
            Topics.eventsDeadLetter,
            (r) => r.headers['orgpulse-origin-topic'] === topic,
          );
          expect(found).toHaveLength(3);
          return found;
        },
        { timeoutMs: 60_000 },
      );
      expect(onTopic.map((r) => r.headers['orgpulse-origin-offset']).sort()).toEqual(['40', '41', '42']);
      expect(onTopic.find((r) => r.headers['orgpulse-origin-offset'] === '42')?.value).toBe('{"oops"');
    } finally {
      await relay.stop();
      await consumer.stop();
    }

    // A relay that takes over after a crash between send and record finds the letters on the topic.
    await db.query(
      `UPDATE dead_letters SET published_at = NULL, dlq_partition = NULL, dlq_offset = NULL WHERE origin_topic = $1`,
      [topic],
    );
    const successor = new DeadLetterRelay(kafka, db, { pollMs: 200, takeoverGraceMs: 0 }, logger);
    await successor.start();
    try {
      await eventually(async () => {
        const [{ pending }] = await db.query(
          `SELECT count(*)::int AS pending FROM dead_letters WHERE origin_topic = $1 AND published_at IS NULL`,
          [topic],
        );
        expect(pending).toBe(0);
      });
    } finally {
      await successor.stop();
    }
    const again = await readTopicToEnd(
      kafkaBrokers,
      Topics.eventsDeadLetter,
      (r) => r.headers['orgpulse-origin-topic'] === topic,
    );
    expect(again).toHaveLength(3);
  });
});

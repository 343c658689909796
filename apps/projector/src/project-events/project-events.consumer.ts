import { Topics, parseAcceptedEvent, subjectOf } from '@orgpulse/contracts';
import { type PartitionOffset, ProjectorOffsetsRepository } from '@orgpulse/persistence';
import { type Logger, describeError } from '@orgpulse/platform';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { DeadLetter, DeadLetterPublisher } from '../dead-letters/dead-letter.publisher';
import type { ProjectionProgress } from '../progress/projection-progress';
import type { ProjectBatchHandler, ProjectableRecord } from './project-batch.handler';

const MAX_BACKOFF_MS = 10_000;

/**
 * Consumes the events topic in batches with kafkajs directly. Offsets live in PostgreSQL with the
 * writes they cover; Kafka's committed offsets only follow them. Failures are retried, never skipped.
 */
export class ProjectEventsConsumer {
  private readonly consumer: Consumer;
  private readonly offsets = new ProjectorOffsetsRepository();
  private readonly resumed = new Set<number>();

  constructor(
    kafka: Kafka,
    private readonly groupId: string,
    private readonly db: DataSource,
    private readonly handler: ProjectBatchHandler,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly progress: ProjectionProgress,
    private readonly logger: Logger,
    sessionTimeoutMs = 30_000,
  ) {
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: Math.floor(sessionTimeoutMs / 10),
      maxBytesPerPartition: 2 * 1024 * 1024,
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.progress.assignedPartitions = [...(payload.memberAssignment[Topics.events] ?? [])].sort(
        (a, b) => a - b,
      );
      this.resumed.clear();
    });
    await this.consumer.subscribe({ topic: Topics.events, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Waits for the batch in flight to finish (its offsets are then in PostgreSQL) and leaves the group. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  /**
   * The first batch of a partition after each (re)assignment starts where PostgreSQL says, whatever
   * Kafka's committed offset is: a batch below it is dropped and the partition is sought forward.
   */
  private async resumeFromStoredOffset(payload: EachBatchPayload): Promise<boolean> {
    const { topic, partition } = payload.batch;
    if (this.resumed.has(partition)) return true;
    let stored: PartitionOffset | undefined;
    try {
      const offsets = await this.offsets.load(this.db.manager, this.groupId, topic);
      stored = offsets.find((o) => o.partition === partition);
    } catch (error) {
      // Unresolved, the batch is fetched again: nothing is skipped while PostgreSQL is away.
      this.progress.lastError = describeError(error);
      await sleepWithHeartbeat(1_000, () => payload.heartbeat());
      return false;
    }
    this.resumed.add(partition);
    if (stored === undefined || BigInt(payload.batch.firstOffset() ?? '0') >= BigInt(stored.nextOffset))
      return true;
    this.logger.info({ partition, from: stored.nextOffset }, 'resuming from the offset stored in PostgreSQL');
    this.consumer.seek({ topic, partition, offset: stored.nextOffset });
    return false;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || !(await this.resumeFromStoredOffset(payload))) return;
    const records: ProjectableRecord[] = [];
    const letters: DeadLetter[] = [];
    for (const message of batch.messages) {
      const parsed = parseAcceptedEvent(message.value);
      if (parsed.ok)
        records.push({ offset: message.offset, subject: subjectOf(parsed.event), event: parsed.event });
      else letters.push({ message, partition: batch.partition, error: parsed.error });
    }
    const nextOffset = (BigInt(batch.lastOffset()) + 1n).toString();

    let lettersSent = false;
    for (let attempt = 0; payload.isRunning() && !payload.isStale(); attempt++) {
      try {
        if (!lettersSent) await this.deadLetters.publish(batch.topic, letters);
        lettersSent = true;
        const outcome = await this.handler.project(batch.topic, batch.partition, records, nextOffset);
        this.progress.recordBatch(batch.messages.length, outcome.appended, new Date());
        if (letters.length > 0)
          this.logger.warn(
            { partition: batch.partition, count: letters.length },
            'records sent to the dead-letter topic',
          );
        payload.resolveOffset(batch.lastOffset());
        await payload.commitOffsetsIfNecessary();
        return;
      } catch (error) {
        const backoff = Math.min(MAX_BACKOFF_MS, 200 * 2 ** attempt);
        this.progress.lastError = describeError(error);
        this.logger.error(
          { err: describeError(error), partition: batch.partition, attempt, backoffMs: backoff },
          'batch failed; retrying',
        );
        await sleepWithHeartbeat(backoff, () => payload.heartbeat());
      }
    }
  }
}

async function sleepWithHeartbeat(ms: number, heartbeat: () => Promise<void>): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, until - Date.now())));
    await heartbeat().catch(() => undefined);
  }
}

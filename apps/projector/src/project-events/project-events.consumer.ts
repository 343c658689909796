import { Topics } from '@orgpulse/contracts';
import type { TopicIdentity } from '@orgpulse/messaging';
import { type Logger, describeError } from '@orgpulse/platform';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { ProjectionProgress } from '../progress/projection-progress';
import { type ResumeDecision, decideResume } from './resume-decision';
import type {
  BatchOutcome,
  PartitionBatch,
  PartitionRef,
  ProjectBatchHandler,
} from './project-batch.handler';
import { classifyProjectionFailure } from './projection-failure';
import { GroupCommit } from './group-commit';
import { type BatchItem, deadLetterOf, toItem } from './batch-items';
import { type TracedRecord, projectTraced, tracedRecords } from './trace-batch';
import { reportConflicts } from './report-conflicts';

const MAX_BACKOFF_MS = 10_000;
const IDENTITY_CHECK_MS = 10_000;

export interface ConsumerOptions {
  groupId: string;
  /** partitions handled at once, and so projected in one transaction */
  concurrency?: number;
  /** the events topic by default */
  topic?: string;
  sessionTimeoutMs: number;
  /** The cluster id and topic id of the events topic now, asked of the brokers. */
  identify: () => Promise<TopicIdentity>;
  /** tracing is on: each transaction continues the traces its records carry */
  traced?: boolean;
}

/**
 * Consumes the events topic in batches with kafkajs directly. Offsets live in PostgreSQL with the writes
 * they cover, bound to the cluster and topic incarnation they count in; Kafka's committed offsets only
 * follow them. A record PostgreSQL refuses is isolated and dead-lettered; any other failure is retried
 * with backoff on that partition alone (it is paused), so one stuck partition never holds the others.
 */
export class ProjectEventsConsumer {
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly resumed = new Set<number>();
  private readonly attempts = new Map<number, number>();
  private readonly pauseTimers = new Set<NodeJS.Timeout>();
  private identity: Promise<TopicIdentity> | undefined;
  private readonly committer: GroupCommit<PartitionBatch, BatchOutcome>;
  private identityCheck: NodeJS.Timeout | undefined;
  private readonly topic: string;
  private readonly traces = new WeakMap<PartitionBatch, readonly TracedRecord[]>();

  constructor(
    kafka: Kafka,
    private readonly options: ConsumerOptions,
    private readonly handler: ProjectBatchHandler,
    private readonly progress: ProjectionProgress,
    private readonly logger: Logger,
  ) {
    const { groupId, sessionTimeoutMs } = options;
    this.topic = options.topic ?? Topics.events;
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: Math.floor(sessionTimeoutMs / 10),
      // a transaction's records per partition: the larger, the less each event costs (a subject's head is
      // read and written once a transaction), the more memory a catching-up projector holds
      maxBytesPerPartition: 768 * 1024,
    });
    this.admin = kafka.admin();
    this.committer = new GroupCommit((batches) => this.projectAll(batches));
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.progress.assignedPartitions = [...(payload.memberAssignment[this.topic] ?? [])].sort(
        (a, b) => a - b,
      );
      this.forgetPositions();
    });
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    this.identityCheck = setInterval(() => void this.checkIdentity(), IDENTITY_CHECK_MS);
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrency ?? 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Waits for the batch in flight to finish (its offsets are then in PostgreSQL) and leaves the group. */
  async stop(): Promise<void> {
    clearInterval(this.identityCheck);
    for (const timer of this.pauseTimers) clearTimeout(timer);
    await this.consumer.disconnect();
    await this.admin.disconnect();
  }

  /** Called when the topic's identity may have changed (a rejoin, or the lag monitor saw another id). */
  forgetPositions(): void {
    this.identity = undefined;
    this.resumed.clear();
  }

  /** A cluster replaced at the same address may be noticed by no rejoin: compare identities now and then. */
  private async checkIdentity(): Promise<void> {
    if (!this.identity) return;
    try {
      const [was, now] = await Promise.all([this.identity, this.options.identify()]);
      if (was.clusterId === now.clusterId && was.topicId === now.topicId) return;
      this.logger.warn({ was, now }, 'the events topic is another one now; every partition resumes afresh');
      this.forgetPositions();
    } catch (error) {
      this.logger.debug({ err: describeError(error) }, 'could not check the topic identity');
    }
  }

  private currentIdentity(): Promise<TopicIdentity> {
    this.identity ??= this.options.identify().catch((error: unknown) => {
      this.identity = undefined;
      throw error;
    });
    return this.identity;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const partition = batch.partition;
    let at: PartitionRef;
    try {
      at = { topic: batch.topic, partition, identity: await this.currentIdentity() };
      if (!this.resumed.has(partition) && !(await this.resume(payload, at))) return;
    } catch (error) {
      return this.retryLater(payload, error);
    }

    const decoding = process.hrtime.bigint();
    const items = batch.messages.map((m) => toItem(m));
    this.progress.observeStage('decode', Number(process.hrtime.bigint() - decoding) / 1e9);
    const nextOffset = (BigInt(batch.lastOffset()) + 1n).toString();
    try {
      // with the other partitions of this fetch, in one transaction
      this.recordOutcome(
        at,
        items,
        await this.committer.submit(this.batchOf(payload, at, items, nextOffset)),
      );
    } catch {
      // the shared transaction failed: this partition alone finds out whether it is the cause
      try {
        await this.project(payload, at, items, nextOffset);
      } catch (error) {
        const failure = classifyProjectionFailure(error);
        if (failure === 'rebind') {
          this.logger.warn(
            { partition, err: describeError(error) },
            'the topic changed under the partition; resuming it',
          );
          this.forgetPositions();
          return this.retryLater(payload, error);
        }
        if (failure === 'transient') return this.retryLater(payload, error);
        this.logger.warn(
          { partition, err: describeError(error) },
          'PostgreSQL refused a record of the batch; isolating it for the dead-letter topic',
        );
        try {
          await this.isolate(payload, at, items, nextOffset);
        } catch (isolationError) {
          return this.retryLater(payload, isolationError);
        }
      }
    }
    this.attempts.delete(partition);
    this.progress.partitionRecovered(partition);
    payload.resolveOffset(batch.lastOffset());
    await payload.commitOffsetsIfNecessary().catch((error: unknown) => {
      // Kafka's committed offset is advisory: PostgreSQL holds the one that counts.
      this.logger.debug({ err: describeError(error) }, 'could not commit offsets to Kafka');
    });
  }

  private batchOf(
    payload: EachBatchPayload,
    at: PartitionRef,
    items: readonly BatchItem[],
    nextOffset: string,
  ): PartitionBatch {
    const batch = {
      at,
      records: items.flatMap((i) => ('record' in i ? [i.record] : [])),
      letters: items.flatMap((i) => ('letter' in i ? [i.letter] : [])),
      nextOffset,
      highWatermark: payload.batch.highWatermark,
    };
    if (this.options.traced) this.traces.set(batch, tracedRecords(payload.batch.messages, items));
    return batch;
  }

  /** One transaction, timed (and traced when tracing is on). */
  private async projectAll(batches: PartitionBatch[]): Promise<BatchOutcome[]> {
    const started = process.hrtime.bigint();
    try {
      return this.options.traced
        ? await projectTraced(
            batches,
            (b) => this.traces.get(b) ?? [],
            (traced) => this.handler.projectAll(traced),
          )
        : await this.handler.projectAll(batches);
    } finally {
      this.progress.recordTransaction(
        batches.length,
        batches.reduce((n, b) => n + b.records.length, 0),
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
  }

  /** This partition's batch (or part of it) in a transaction of its own. */
  private async project(
    payload: EachBatchPayload,
    at: PartitionRef,
    items: readonly BatchItem[],
    nextOffset: string,
  ): Promise<void> {
    const [outcome] = await this.projectAll([this.batchOf(payload, at, items, nextOffset)]);
    this.recordOutcome(at, items, outcome);
    await payload.heartbeat().catch(() => undefined);
  }

  private recordOutcome(at: PartitionRef, items: readonly BatchItem[], outcome: BatchOutcome): void {
    this.progress.recordBatch(items.length, outcome.appended, new Date());
    reportConflicts(outcome.conflicts, this.progress, this.logger);
    if (outcome.deadLettered > 0) {
      this.progress.recordDeadLetters(outcome.deadLettered);
      this.logger.warn(
        {
          partition: at.partition,
          count: outcome.deadLettered,
          errors: items.flatMap((i) => ('letter' in i ? [i.letter.error] : [])).slice(0, 5),
        },
        'records set aside for the dead-letter topic',
      );
    }
  }

  /**
   * Splits the batch until the records PostgreSQL refuses stand alone; each refused one is stored as a dead
   * letter with the offset that passes it. The halves commit in order, so offsets only move forward.
   */
  private async isolate(
    payload: EachBatchPayload,
    at: PartitionRef,
    items: readonly BatchItem[],
    nextOffset: string,
  ): Promise<void> {
    if (!payload.isRunning() || payload.isStale())
      throw new Error('the partition was revoked while isolating');
    if (items.length === 1) {
      const [item] = items;
      try {
        return await this.project(payload, at, items, nextOffset);
      } catch (error) {
        if (classifyProjectionFailure(error) !== 'permanent' || !('record' in item)) throw error;
        const letter = deadLetterOf(
          payload.batch,
          item.offset,
          `refused by the event store: ${describeError(error)}`,
        );
        return this.project(payload, at, [{ offset: item.offset, letter }], nextOffset);
      }
    }
    const middle = Math.ceil(items.length / 2);
    const halves: [BatchItem[], string][] = [
      [items.slice(0, middle), items[middle].offset],
      [items.slice(middle), nextOffset],
    ];
    for (const [half, next] of halves) {
      try {
        await this.project(payload, at, half, next);
      } catch (error) {
        if (classifyProjectionFailure(error) !== 'permanent') throw error;
        await this.isolate(payload, at, half, next);
      }
    }
  }

  /**
   * Where the partition starts after each (re)assignment: where PostgreSQL says, if its offset counts in
   * this cluster and topic incarnation and is within the partition; from the start otherwise. Returns
   * whether this batch is the one to project.
   */
  private async resume(payload: EachBatchPayload, at: PartitionRef): Promise<boolean> {
    const { batch } = payload;
    const [watermarks, stored] = await Promise.all([
      this.admin.fetchTopicOffsets(at.topic),
      this.handler.storedOffset(at.topic, at.partition),
    ]);
    const low = watermarks.find((w) => w.partition === at.partition)?.low ?? '0';
    const decision: ResumeDecision = decideResume({
      stored,
      identity: at.identity,
      low,
      high: batch.highWatermark,
    });
    if (decision.rebind) {
      this.logger[decision.warn ? 'warn' : 'info'](
        { partition: at.partition, reason: decision.reason, stored: stored?.nextOffset, from: decision.from },
        decision.message,
      );
      this.progress.recordOffsetReset(decision.reason);
      await this.handler.rebind(at, decision.from);
    }
    this.resumed.add(at.partition);
    if (batch.firstOffset() === decision.from) return true;
    this.logger.info(
      { partition: at.partition, from: decision.from },
      'resuming from the offset stored in PostgreSQL',
    );
    this.consumer.seek({ topic: at.topic, partition: at.partition, offset: decision.from });
    return false;
  }

  /** Pauses this partition alone with backoff; the batch is fetched again, unresolved, when it resumes. */
  private retryLater(payload: EachBatchPayload, error: unknown): void {
    const { partition } = payload.batch;
    const attempt = this.attempts.get(partition) ?? 0;
    this.attempts.set(partition, attempt + 1);
    const backoffMs = Math.min(MAX_BACKOFF_MS, 200 * 2 ** attempt);
    this.progress.partitionFailed(partition, describeError(error));
    this.logger.error({ err: describeError(error), partition, attempt, backoffMs }, 'batch failed; retrying');
    const resume = payload.pause();
    const timer = setTimeout(() => {
      this.pauseTimers.delete(timer);
      resume();
    }, backoffMs);
    this.pauseTimers.add(timer);
  }
}

import { DURATION_BUCKETS, type HealthProblem } from '@orgpulse/platform';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ResumeReason } from '../project-events/resume-decision';
import { type LagSample, stalledWork } from './stalled-work';

export interface ProgressOptions {
  /** how long a partition may fail, stand still with lag, or the lag grow before /health says degraded */
  stuckAfterMs: number;
  now?: () => number;
  /** false with NODE_ENV=production: /health needs no token, so it names no internal error */
  revealErrors?: boolean;
}

/** The parts of a projection transaction timed on /metrics (orgpulse_projector_stage_duration_seconds). */
export type ProjectionStage = 'decode' | 'lock' | 'append' | 'read_models' | 'dead_letters' | 'offsets';

/** What the projector has done, what is stuck and how far behind it is, for /health and /metrics. */
export class ProjectionProgress {
  readonly registry = new Registry();
  private readonly now: () => number;
  private readonly failing = new Map<number, { since: number; error: string }>();
  /**
   * Per partition, the first measurement since its offset last moved that saw records waiting (or the
   * latest, while none wait): records that came between two measurements count as waiting from the later
   * one, so /health never calls them stuck before they waited the stuck time.
   */
  private readonly advancedAt = new Map<number, { nextOffset: bigint; at: number; waiting: boolean }>();
  private lagSamples: LagSample[] = [];
  private lagByPartition = new Map<number, number>();
  private deadLetterBacklog = { count: 0, oldestAgeSeconds: 0 };
  private appended = 0;
  private processed = 0;
  lastProcessedAt: Date | undefined;
  assignedPartitions: number[] = [];
  lastError: string | undefined;

  private readonly lag = this.gauge(
    'orgpulse_projector_consumer_lag',
    'Records on the events topic not yet projected, per partition',
    ['partition'],
  );
  private readonly lastProcessed = this.gauge(
    'orgpulse_projector_last_processed_timestamp_seconds',
    'Unix time at which the projector last committed a batch',
  );
  private readonly eventsAppended: Counter;
  private readonly recordsProjected: Counter;
  private readonly batchDuration: Histogram;
  private readonly stageDuration: Histogram;
  private readonly degraded = this.gauge(
    'orgpulse_projector_degraded',
    '1 while /health reports stuck work (503), else 0',
  );
  private readonly failingSeconds = this.gauge(
    'orgpulse_projector_partition_failing_seconds',
    'How long batches of a partition have been failing (0: not failing)',
    ['partition'],
  );
  private readonly unpublished = this.gauge(
    'orgpulse_projector_dead_letters_unpublished',
    'Dead letters stored but not yet on the dead-letter topic',
  );
  private readonly unpublishedAge = this.gauge(
    'orgpulse_projector_dead_letters_oldest_unpublished_seconds',
    'Age of the oldest dead letter not yet on the dead-letter topic',
  );
  private readonly batchFailures = new Counter({
    name: 'orgpulse_projector_batch_failures_total',
    help: 'Batches that failed and were retried later',
    labelNames: ['partition'],
    registers: [this.registry],
  });
  private readonly deadLetters = new Counter({
    name: 'orgpulse_projector_dead_letters_total',
    help: 'Records set aside for the dead-letter topic (stored once each)',
    registers: [this.registry],
  });
  private readonly offsetResets = new Counter({
    name: 'orgpulse_projector_offset_resets_total',
    help: 'Partitions re-read from their start because the stored offset did not count in the topic read now',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  private readonly conflictingEvents = new Counter({
    name: 'orgpulse_events_conflicting_total',
    help: 'Events whose identity was already stored with another type, occurredAt or data (the first stays), by org',
    labelNames: ['org'],
    registers: [this.registry],
  });

  readonly revealErrors: boolean;

  private readonly transactionPartitions = new Histogram({
    name: 'orgpulse_projector_transaction_partitions',
    help: 'Partitions projected together in one transaction',
    buckets: [1, 2, 3, 4, 6, 8, 12, 16, 32, 64],
    registers: [this.registry],
  });
  private readonly transactionRecords = new Histogram({
    name: 'orgpulse_projector_transaction_records',
    help: 'Records projected in one transaction',
    buckets: [1, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000],
    registers: [this.registry],
  });

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.revealErrors = options.revealErrors ?? true;
    const registers = [this.registry];
    this.eventsAppended = new Counter({
      name: 'orgpulse_projector_events_appended_total',
      help: 'Events appended to the event store (each accepted event once; duplicates not counted)',
      registers,
    });
    this.recordsProjected = new Counter({
      name: 'orgpulse_projector_records_total',
      help: 'Records of the events topic projected (events, duplicates and dead letters alike)',
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'orgpulse_projector_batch_duration_seconds',
      help: 'Time of one projection transaction, from its start to its commit',
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.stageDuration = new Histogram({
      name: 'orgpulse_projector_stage_duration_seconds',
      help: 'Time of each stage of projecting a batch (decode, lock, append, read_models, dead_letters, offsets); a large batch is COPYed into the store during read_models',
      labelNames: ['stage'],
      buckets: DURATION_BUCKETS,
      registers,
    });
  }

  recordBatch(records: number, appended: number, at: Date): void {
    this.processed += records;
    this.appended += appended;
    this.recordsProjected.inc(records);
    this.eventsAppended.inc(appended);
    this.lastProcessedAt = at;
    this.lastProcessed.set(at.getTime() / 1000);
  }

  recordConflictingEvent(orgId: string): void {
    this.conflictingEvents.inc({ org: orgId });
  }

  recordTransaction(partitions: number, records: number, seconds?: number): void {
    this.transactionPartitions.observe(partitions);
    this.transactionRecords.observe(records);
    if (seconds !== undefined) this.batchDuration.observe(seconds);
  }

  observeStage(stage: ProjectionStage, seconds: number): void {
    this.stageDuration.observe({ stage }, seconds);
  }

  partitionFailed(partition: number, error: string): void {
    if (!this.failing.has(partition)) this.failing.set(partition, { since: this.now(), error });
    else this.failing.set(partition, { ...(this.failing.get(partition) as { since: number }), error });
    this.lastError = error;
    this.batchFailures.inc({ partition: String(partition) });
  }

  partitionRecovered(partition: number): void {
    this.failing.delete(partition);
    if (this.failing.size === 0) this.lastError = undefined;
  }

  recordDeadLetters(count: number): void {
    this.deadLetters.inc(count);
  }

  recordOffsetReset(reason: ResumeReason): void {
    if (reason !== 'first-start') this.offsetResets.inc({ reason });
  }

  recordDeadLetterBacklog(backlog: { count: number; oldestAgeSeconds: number }): void {
    this.deadLetterBacklog = backlog;
  }

  /** Lag and stored next offsets per partition, as the lag monitor measured them. */
  recordLag(lag: ReadonlyMap<number, number>, nextOffsets: ReadonlyMap<number, bigint>): void {
    const now = this.now();
    this.lagByPartition = new Map(lag);
    for (const [partition, value] of lag) {
      this.lag.set({ partition: String(partition) }, value);
      const next = nextOffsets.get(partition) ?? -1n;
      const seen = this.advancedAt.get(partition);
      if (!seen || seen.nextOffset !== next || value === 0 || !seen.waiting)
        this.advancedAt.set(partition, { nextOffset: next, at: now, waiting: value > 0 });
    }
    this.lagSamples = [...this.lagSamples, { at: now, total: this.totalLag }].filter(
      (s) => s.at >= now - 2 * this.options.stuckAfterMs,
    );
  }

  get totalLag(): number {
    return [...this.lagByPartition.values()].reduce((sum, v) => sum + v, 0);
  }

  problems(): HealthProblem[] {
    return stalledWork({
      now: this.now(),
      stuckAfterMs: this.options.stuckAfterMs,
      failing: this.failing,
      lag: this.lagByPartition,
      advancedAt: this.advancedAt,
      lagSamples: this.lagSamples,
      deadLetterBacklog: this.deadLetterBacklog,
    });
  }

  async metrics(): Promise<string> {
    this.refreshGauges();
    return this.registry.metrics();
  }

  /** Gauges read from what is known now; run before each scrape. */
  refreshGauges(): void {
    const now = this.now();
    this.degraded.set(this.problems().length > 0 ? 1 : 0);
    this.failingSeconds.reset();
    for (const [partition, { since }] of this.failing)
      this.failingSeconds.set({ partition: String(partition) }, (now - since) / 1000);
    this.unpublished.set(this.deadLetterBacklog.count);
    this.unpublishedAge.set(this.deadLetterBacklog.oldestAgeSeconds);
  }

  snapshot() {
    return {
      lag: this.totalLag,
      lagByPartition: Object.fromEntries(this.lagByPartition),
      lastProcessedAt: this.lastProcessedAt?.toISOString() ?? null,
      eventsAppendedSinceStart: this.appended,
      recordsProcessedSinceStart: this.processed,
      lastError: this.revealErrors ? (this.lastError ?? null) : null,
      failingPartitions: Object.fromEntries(
        [...this.failing].map(([p, f]) => [
          p,
          { since: new Date(f.since).toISOString(), ...(this.revealErrors ? { error: f.error } : {}) },
        ]),
      ),
      deadLettersUnpublished: this.deadLetterBacklog.count,
      assignedPartitions: this.assignedPartitions,
    };
  }

  private gauge(name: string, help: string, labelNames: string[] = []): Gauge {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}

import { Gauge, Registry } from 'prom-client';

/** What the projector has done and how far behind it is, for /health and /metrics. */
export class ProjectionProgress {
  readonly registry = new Registry();
  private readonly lag = new Gauge({
    name: 'orgpulse_projector_consumer_lag',
    help: 'Records on the events topic not yet projected, per partition',
    labelNames: ['partition'],
    registers: [this.registry],
  });
  private readonly lastProcessed = new Gauge({
    name: 'orgpulse_projector_last_processed_timestamp_seconds',
    help: 'Unix time at which the projector last committed a batch',
    registers: [this.registry],
  });
  private readonly eventsAppended = new Gauge({
    name: 'orgpulse_projector_events_appended',
    help: 'Events appended to the event store since start',
    registers: [this.registry],
  });
  private lagByPartition = new Map<number, number>();
  private appended = 0;
  private processed = 0;
  lastProcessedAt: Date | undefined;
  assignedPartitions: number[] = [];
  lastError: string | undefined;

  recordBatch(records: number, appended: number, at: Date): void {
    this.processed += records;
    this.appended += appended;
    this.eventsAppended.set(this.appended);
    this.lastProcessedAt = at;
    this.lastProcessed.set(at.getTime() / 1000);
    this.lastError = undefined;
  }

  recordLag(lag: ReadonlyMap<number, number>): void {
    this.lagByPartition = new Map(lag);
    for (const [partition, value] of lag) this.lag.set({ partition: String(partition) }, value);
  }

  get totalLag(): number {
    return [...this.lagByPartition.values()].reduce((sum, v) => sum + v, 0);
  }

  snapshot() {
    return {
      lag: this.totalLag,
      lagByPartition: Object.fromEntries(this.lagByPartition),
      lastProcessedAt: this.lastProcessedAt?.toISOString() ?? null,
      eventsAppendedSinceStart: this.appended,
      recordsProcessedSinceStart: this.processed,
      lastError: this.lastError ?? null,
      assignedPartitions: this.assignedPartitions,
    };
  }
}

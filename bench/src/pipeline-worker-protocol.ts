/** What B4's parent tells its two worker processes (as JSON in argv[2]) and what they answer. */
export interface PipelineWorkerConfig {
  role: 'produce' | 'consume';
  brokers: string;
  topic: string;
  total: number;
  /** Batches in flight to Kafka. */
  produceConcurrency: number;
  /** Partitions consumed and copied at once, each on a connection of its own. */
  copyConcurrency: number;
  databaseUrl: string;
  table: string;
  /** The producer regenerates the synthetic org (the same seed gives the same events). */
  org: {
    shape: { teams: number; people: number; days: number; start: string; seed: number };
    orgId: string;
    ingestedAt: string;
  };
}

/** ready: connected (the consumer: its group joined); produced: every record acked; done: every row committed. */
export type PipelineWorkerMessage = { type: 'ready' } | { type: 'produced' } | { type: 'done' };

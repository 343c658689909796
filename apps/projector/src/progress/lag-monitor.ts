import { Topics } from '@orgpulse/contracts';
import { DeadLettersRepository, ProjectorOffsetsRepository } from '@orgpulse/persistence';
import { type Logger, describeError } from '@orgpulse/platform';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { ProjectionProgress } from './projection-progress';

/** Compares the topic's end offsets with the offsets stored in PostgreSQL, and counts dead letters not yet relayed, every few seconds. */
export class LagMonitor {
  private readonly admin: Admin;
  private readonly offsets: ProjectorOffsetsRepository;
  private readonly deadLetters: DeadLettersRepository;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    kafka: Kafka,
    db: DataSource,
    private readonly groupId: string,
    private readonly progress: ProjectionProgress,
    private readonly logger: Logger,
    private readonly intervalMs = 5_000,
  ) {
    this.admin = kafka.admin();
    this.offsets = new ProjectorOffsetsRepository(db.manager);
    this.deadLetters = new DeadLettersRepository(db.manager);
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.measure();
    this.timer = setInterval(() => void this.measure(), this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.admin.disconnect();
  }

  async measure(): Promise<void> {
    try {
      const [ends, stored] = await Promise.all([
        this.admin.fetchTopicOffsets(Topics.events),
        this.offsets.load(this.groupId, Topics.events),
      ]);
      const next = new Map(stored.map((s) => [s.partition, BigInt(s.nextOffset)]));
      this.progress.recordDeadLetterBacklog(await this.deadLetters.backlog());
      const lag = new Map(
        ends.map((end) => {
          const from = next.get(end.partition) ?? BigInt(end.low);
          const behind = BigInt(end.high) - from;
          return [end.partition, Number(behind > 0n ? behind : 0n)] as const;
        }),
      );
      this.progress.recordLag(lag, next);
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'could not measure lag');
    }
  }
}

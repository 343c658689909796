import { Topics } from '@orgpulse/contracts';
import {
  ADVISORY_LOCKS,
  DeadLettersRepository,
  type PendingDeadLetter,
  col,
  rowShape,
  selectOne,
} from '@orgpulse/persistence';
import { type Logger, describeError } from '@orgpulse/platform';
import { RenewingProducer } from '@orgpulse/messaging';
import type { Kafka } from 'kafkajs';
import type { DataSource, QueryRunner } from 'typeorm';
import { readDeadLetterOrigins } from './dead-letter-origins';
import { deadLetterRecord } from './dead-letter-record';

// One relay in the whole group at a time: two could both send a letter neither had recorded yet.
const RELAY_LOCK = ADVISORY_LOCKS.deadLetterRelay;
const BATCH = 200;
const RELAY_LOCK_ROW = rowShape('relay lock attempt', { ok: col.bool() });

export interface RelayOptions {
  pollMs: number;
  /**
   * Waited after taking the relay over: a send of an earlier holder that was in flight when it died has
   * reached the broker (or failed) by then, so the reconciliation that follows sees it.
   */
  takeoverGraceMs: number;
}

/**
 * Relays the dead letters the projector stored (in the transactions that passed them) to the dead-letter
 * topic, exactly once: a letter is marked published when the broker acknowledged it, or when the
 * reconciliation after a takeover finds it already on the topic (sent just before a crash).
 */
export class DeadLetterRelay {
  private readonly producer: RenewingProducer;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly db: DataSource,
    private readonly options: RelayOptions,
    private readonly logger: Logger,
  ) {
    this.producer = new RenewingProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.producer.disconnect();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const runner = this.db.createQueryRunner();
      try {
        await runner.connect();
        if (await this.takeOver(runner)) {
          // on the connection that holds the relay's lock
          const letters = new DeadLettersRepository(runner.manager);
          await this.pause(this.options.takeoverGraceMs);
          if (this.running) await this.reconcile(letters);
          while (this.running) {
            if ((await this.relayPending(letters)) === 0) await this.pause(this.options.pollMs);
          }
        }
      } catch (error) {
        this.logger.warn({ err: describeError(error) }, 'dead-letter relay failed; starting over');
      } finally {
        await runner.release().catch(() => undefined);
      }
      await this.pause(this.options.pollMs * 5);
    }
  }

  private async takeOver(runner: QueryRunner): Promise<boolean> {
    const { ok } = await selectOne(runner.manager, RELAY_LOCK_ROW, 'SELECT pg_try_advisory_lock($1) AS ok', [
      RELAY_LOCK,
    ]);
    if (ok) this.logger.info('relaying dead letters from this instance');
    return ok;
  }

  /** Marks letters already on the topic: only partitions past the last offset we recorded are read. */
  private async reconcile(letters: DeadLettersRepository): Promise<void> {
    const recorded = await letters.lastRecordedOffsets();
    const found = await readDeadLetterOrigins(this.kafka, Topics.eventsDeadLetter, recorded);
    const marked = await letters.markFoundOnTopic(found);
    if (marked > 0)
      this.logger.warn({ marked }, 'dead letters sent before a crash found on the topic; not sent again');
  }

  /** Sends one batch of pending letters; returns how many. */
  private async relayPending(letters: DeadLettersRepository): Promise<number> {
    const pending = await letters.pending(BATCH);
    if (pending.length === 0) return 0;
    const partitions = await this.partitionCount();
    const messages = pending.map((letter) => ({
      ...deadLetterRecord(letter),
      partition: letter.partition % partitions,
    }));
    const acks = await this.producer.send({ topic: Topics.eventsDeadLetter, acks: -1, messages });
    await letters.markPublished(offsetsOf(pending, messages, acks));
    this.logger.warn({ count: pending.length }, 'dead letters published to the dead-letter topic');
    return pending.length;
  }

  private partitionsKnown: number | undefined;
  private async partitionCount(): Promise<number> {
    if (this.partitionsKnown) return this.partitionsKnown;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [Topics.eventsDeadLetter] });
      this.partitionsKnown = topics[0].partitions.length;
      return this.partitionsKnown;
    } finally {
      await admin.disconnect();
    }
  }

  private pause(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Messages of one send to one partition are appended in order from that partition's base offset. */
function offsetsOf(
  pending: readonly PendingDeadLetter[],
  messages: readonly { partition: number }[],
  acks: readonly { partition: number; baseOffset?: string }[],
): { id: string; partition: number; offset: string }[] {
  const next = new Map(acks.map((a) => [a.partition, BigInt(a.baseOffset ?? '-1')]));
  return pending.map((letter, i) => {
    const partition = messages[i].partition;
    const offset = next.get(partition);
    if (offset === undefined || offset < 0n) throw new Error(`no acknowledgement for partition ${partition}`);
    next.set(partition, offset + 1n);
    return { id: letter.id, partition, offset: offset.toString() };
  });
}

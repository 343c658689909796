import type { Logger } from '@orgpulse/platform';
import type { Admin, Kafka } from 'kafkajs';
import { createKafka } from './kafka-client';

/** Answers whether a broker can be reached now; reconnects by itself once Kafka is back. */
export class KafkaHealthProbe {
  private admin: Admin | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly timeoutMs = 2_000,
  ) {}

  /** A probe with a quiet client of its own that never retries: it answers for this moment only. */
  static for(brokers: string[], service: string, logger: Logger): KafkaHealthProbe {
    return new KafkaHealthProbe(
      createKafka({
        brokers,
        clientId: `orgpulse-${service}-health`,
        logger,
        quiet: true,
        retry: { retries: 0 },
      }),
    );
  }

  async isReachable(): Promise<boolean> {
    try {
      this.admin ??= await this.connect();
      await withTimeout(this.admin.describeCluster(), this.timeoutMs);
      return true;
    } catch {
      const stale = this.admin;
      this.admin = undefined;
      await stale?.disconnect().catch(() => undefined);
      return false;
    }
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = undefined;
  }

  private async connect(): Promise<Admin> {
    const admin = this.kafka.admin();
    await withTimeout(admin.connect(), this.timeoutMs);
    return admin;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

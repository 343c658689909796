import { DependencyError, type Logger, describeError, retryUntil } from '@orgpulse/platform';
import { createKafka } from './kafka-client';

/** Fails boot with one line naming KAFKA_BROKERS when no broker answers within the startup timeout. */
export async function waitForKafka(
  brokers: string[],
  startupTimeoutMs: number,
  logger: Logger,
): Promise<void> {
  const kafka = createKafka({
    brokers,
    clientId: 'orgpulse-boot-probe',
    logger,
    quiet: true,
    retry: { retries: 0 },
  });
  try {
    await retryUntil(startupTimeoutMs, async () => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.describeCluster();
      } finally {
        await admin.disconnect();
      }
    });
  } catch (error) {
    throw new DependencyError(
      'KAFKA_BROKERS',
      `cannot reach a Kafka broker at ${brokers.join(',')} (${describeError(error)})`,
    );
  }
}

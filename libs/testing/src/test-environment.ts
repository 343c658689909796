import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..');

/** The Kafka broker and PostgreSQL database that `npm test` started for this run. */
export function testEnvironment(): { kafkaBrokers: string; databaseUrl: string } {
  const kafkaBrokers = process.env.KAFKA_BROKERS;
  const databaseUrl = process.env.DATABASE_URL;
  if (!kafkaBrokers || !databaseUrl) {
    throw new Error(
      'KAFKA_BROKERS and DATABASE_URL are not set: run integration and e2e tests through `npm test`',
    );
  }
  return { kafkaBrokers, databaseUrl };
}

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The checkout this code runs from, whether from source (jest) or compiled (the bench). */
export const repoRoot = ((): string => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'nest-cli.json'))) return dir;
  }
  throw new Error(`no orgpulse checkout above ${__dirname}`);
})();

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

import { commonEnv, env } from '@orgpulse/platform';

/** What every command reads: only PostgreSQL is needed to manage orgs, keys and tokens. */
export const cliEnv = {
  LOG_LEVEL: commonEnv.LOG_LEVEL,
  DATABASE_URL: commonEnv.DATABASE_URL,
  STARTUP_TIMEOUT_MS: commonEnv.STARTUP_TIMEOUT_MS,
  DATABASE_STATEMENT_TIMEOUT_MS: commonEnv.DATABASE_STATEMENT_TIMEOUT_MS,
};

/** What `events import` reads besides: it sends through Kafka as ingest does, to the topic ingest creates. */
export const cliImportEnv = {
  KAFKA_BROKERS: commonEnv.KAFKA_BROKERS,
  KAFKA_TOPIC_PARTITIONS: env.int(6, 1, 1000),
  KAFKA_REPLICATION_FACTOR: commonEnv.KAFKA_REPLICATION_FACTOR,
  KAFKA_MIN_INSYNC_REPLICAS: commonEnv.KAFKA_MIN_INSYNC_REPLICAS,
};

import { commonEnv, env, httpEnv } from '@orgpulse/platform';

export const ingestEnv = {
  ...commonEnv,
  ...httpEnv,
  INGEST_PORT: env.port(3001),
  KAFKA_TOPIC_PARTITIONS: env.int(6, 1, 1000),
  INGEST_RATE_LIMIT_PER_SECOND: env.int(100, 0, 1_000_000),
  INGEST_RATE_LIMIT_BURST: env.int(200, 1, 1_000_000),
};

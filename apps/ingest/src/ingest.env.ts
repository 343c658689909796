import { commonEnv, env, httpEnv, secretsKeyVariable } from '@orgpulse/platform';

export const ingestEnv = {
  ...commonEnv,
  ...httpEnv,
  INGEST_PORT: env.port(3001),
  KAFKA_TOPIC_PARTITIONS: env.int(6, 1, 1000),
  INGEST_RATE_LIMIT_PER_SECOND: env.int(100, 0, 1_000_000),
  INGEST_RATE_LIMIT_BURST: env.int(200, 1, 1_000_000),
  // A Kafka that does not answer costs each request at most this long, and the process at most this much.
  INGEST_PUBLISH_TIMEOUT_MS: env.int(5_000, 100, 120_000),
  INGEST_MAX_PENDING_BYTES: env.int(16 * 1024 * 1024, 2 * 1024 * 1024, 1024 * 1024 * 1024),
  INGEST_MAX_PENDING_REQUESTS: env.int(1_000, 1, 100_000),
  // Kafka producers sending side by side, each with one request in flight (idempotence)
  INGEST_KAFKA_PRODUCERS: env.int(3, 1, 16),
  // how long a known ingest key is served from memory; revocation drops it at once (NOTIFY), this is a safety net
  INGEST_KEY_CACHE_MS: env.int(60_000, 0, 3_600_000),
  // decrypts integration secrets to verify vendors' signatures (the API encrypts them with it)
  ORGPULSE_SECRETS_KEY: secretsKeyVariable,
};

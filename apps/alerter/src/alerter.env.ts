import { commonEnv, env, httpEnv } from '@orgpulse/platform';

export const alerterEnv = {
  ...commonEnv,
  ...httpEnv,
  ALERTER_PORT: env.port(3003),
  KAFKA_TOPIC_PARTITIONS: env.int(6, 1, 1000),
  // rules are evaluated at least this often, so an alert opens within it even with no new event
  ALERTER_INTERVAL_MS: env.int(15_000, 500, 60_000),
  ALERTER_RETRY_BASE_MS: env.int(1_000, 10, 600_000),
  ALERTER_MAX_ATTEMPTS: env.int(12, 1, 100),
  ALERTER_WEBHOOK_TIMEOUT_MS: env.int(10_000, 100, 120_000),
  // how long without a completed evaluation round, or a due delivery left unattempted, before /health is 503
  ALERTER_STUCK_AFTER_MS: env.int(120_000, 1_000, 3_600_000),
};

import { env } from './env-schema';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables every service reads. */
export const commonEnv = {
  NODE_ENV: env.oneOf(['development', 'production', 'test'], 'development'),
  LOG_LEVEL: env.oneOf(logLevels, 'info'),
  DATABASE_URL: env.postgresUrl(),
  KAFKA_BROKERS: env.brokers(),
  STARTUP_TIMEOUT_MS: env.int(15_000, 0, 600_000),
  SHUTDOWN_TIMEOUT_MS: env.int(20_000, 1_000, 600_000),
};

export const httpEnv = {
  HOST: env.string('0.0.0.0'),
};

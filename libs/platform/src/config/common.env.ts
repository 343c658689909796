import { type EnvVar, env } from './env-schema';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables every service reads. */
export const commonEnv = {
  NODE_ENV: env.oneOf(['development', 'production', 'test'], 'development'),
  LOG_LEVEL: env.oneOf(logLevels, 'info'),
  DATABASE_URL: env.postgresUrl(),
  KAFKA_BROKERS: env.brokers(),
  // Every topic an app creates gets these; 1 fits a single local broker, a cluster wants 3 and 2.
  KAFKA_REPLICATION_FACTOR: env.int(1, 1, 32),
  KAFKA_MIN_INSYNC_REPLICAS: {
    ...env.int(1, 1, 32),
    check: (value: number, config: Readonly<Record<string, unknown>>) =>
      value > Number(config.KAFKA_REPLICATION_FACTOR)
        ? `${value} is more than KAFKA_REPLICATION_FACTOR (${String(config.KAFKA_REPLICATION_FACTOR)}): ` +
          'no write with acks=all could ever succeed'
        : undefined,
  } satisfies EnvVar<number>,
  // PostgreSQL cancels a statement running longer, and ends a session idle in a transaction this long
  DATABASE_STATEMENT_TIMEOUT_MS: env.int(60_000, 1_000, 3_600_000),
  STARTUP_TIMEOUT_MS: env.int(15_000, 0, 600_000),
  SHUTDOWN_TIMEOUT_MS: env.int(20_000, 1_000, 600_000),
};

export const httpEnv = {
  HOST: env.string('0.0.0.0'),
  // OpenTelemetry: spans are exported over OTLP/HTTP to this base URL (…/v1/traces); no tracing when empty
  OTEL_EXPORTER_OTLP_ENDPOINT: env.optionalHttpUrl('http://otel-collector:4318'),
  OTEL_SERVICE_NAME: {
    expected: 'a service name (empty: orgpulse-<app>)',
    defaultValue: '',
    parse: (raw: string) => raw || null,
  } satisfies EnvVar<string | null>,
  // how often /readyz's dependencies (Kafka, PostgreSQL) are checked in the background
  READINESS_CHECK_INTERVAL_MS: env.int(2_000, 200, 60_000),
};

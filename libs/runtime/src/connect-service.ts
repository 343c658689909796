import {
  KafkaHealthProbe,
  type TopicSpec,
  createKafka,
  ensureTopics,
  waitForKafka,
} from '@orgpulse/messaging';
import { connectDatabase } from '@orgpulse/persistence';
import { type Logger, createLogger } from '@orgpulse/platform';
import type { Kafka, KafkaConfig } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { ServiceTelemetry, type TelemetryConfig } from './service-telemetry';

export interface ServiceConfig extends TelemetryConfig {
  LOG_LEVEL: string;
  DATABASE_URL: string;
  KAFKA_BROKERS: string[];
  KAFKA_REPLICATION_FACTOR: number;
  KAFKA_MIN_INSYNC_REPLICAS: number;
  STARTUP_TIMEOUT_MS: number;
  DATABASE_STATEMENT_TIMEOUT_MS: number;
}

export interface ServiceConnections {
  logger: Logger;
  db: DataSource;
  kafka: Kafka;
  kafkaHealth: KafkaHealthProbe;
  telemetry: ServiceTelemetry;
}

/**
 * What every long-running service does first: its JSON logger, PostgreSQL (migrated), a reachable
 * Kafka and the topics it needs, with the configured replication. An unreachable dependency ends boot
 * with one line naming its variable.
 */
export async function connectService(
  service: string,
  config: ServiceConfig,
  options: { topics?: TopicSpec[]; kafkaRetry?: KafkaConfig['retry'] } = {},
): Promise<ServiceConnections> {
  const tracing = ServiceTelemetry.tracingFor(service, config);
  const logger = createLogger(service, config.LOG_LEVEL);
  const db = await connectDatabase({
    url: config.DATABASE_URL,
    startupTimeoutMs: config.STARTUP_TIMEOUT_MS,
    applicationName: `orgpulse-${service}`,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  });
  await waitForKafka(config.KAFKA_BROKERS, config.STARTUP_TIMEOUT_MS, logger);
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: `orgpulse-${service}`,
    logger,
    retry: options.kafkaRetry,
  });
  if (options.topics?.length) {
    await ensureTopics(kafka, options.topics, {
      durability: {
        replicationFactor: config.KAFKA_REPLICATION_FACTOR,
        minInsyncReplicas: config.KAFKA_MIN_INSYNC_REPLICAS,
      },
      logger,
    });
  }
  const kafkaHealth = KafkaHealthProbe.for(config.KAFKA_BROKERS, service, logger);
  // readiness asks Kafka on a client of its own, so /health and /readyz never share a slow answer
  const readinessKafka = KafkaHealthProbe.for(config.KAFKA_BROKERS, `${service}-readiness`, logger);
  const telemetry = ServiceTelemetry.create(service, config, tracing, readinessKafka);
  return { logger, db, kafka, kafkaHealth, telemetry };
}

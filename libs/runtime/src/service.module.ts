import { type DynamicModule, Global, Module } from '@nestjs/common';
import { KafkaHealthProbe } from '@orgpulse/messaging';
import { ReadinessMonitor } from '@orgpulse/platform';
import { DataSource } from 'typeorm';
import type { ServiceConnections } from './connect-service';
import { ServiceTelemetry } from './service-telemetry';

/** The service's JSON logger (pino), for providers to inject. */
export const LOGGER = Symbol('Logger');
/** The service's kafkajs client, for providers to inject. */
export const KAFKA = Symbol('Kafka');

/**
 * What every app's providers share, made once by connectService: PostgreSQL, Kafka, the logger, the
 * telemetry and its readiness monitor. composeService imports it into every app's root module.
 */
@Global()
@Module({})
export class ServiceModule {
  static with(connections: ServiceConnections): DynamicModule {
    const { db, kafka, kafkaHealth, logger, telemetry } = connections;
    const providers = [
      { provide: DataSource, useValue: db },
      { provide: KAFKA, useValue: kafka },
      { provide: KafkaHealthProbe, useValue: kafkaHealth },
      { provide: LOGGER, useValue: logger },
      { provide: ServiceTelemetry, useValue: telemetry },
      { provide: ReadinessMonitor, useValue: telemetry.readiness },
    ];
    return { module: ServiceModule, providers, exports: providers.map((p) => p.provide) };
  }
}

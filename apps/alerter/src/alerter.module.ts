import { type DynamicModule, Module } from '@nestjs/common';
import { WebhookTargetPolicy } from '@orgpulse/domain';
import { RenewingProducer } from '@orgpulse/messaging';
import { PgListener } from '@orgpulse/persistence';
import { type Logger, SecretBox } from '@orgpulse/platform';
import {
  HealthHttpController,
  type InjectedPart,
  KAFKA,
  LOGGER,
  type ServicePart,
  ServiceTelemetry,
} from '@orgpulse/runtime';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { AlerterConfig } from './alerter.env';
import { DeliverAlertsHandler } from './deliver-alerts/deliver-alerts.handler';
import { DeliveryDispatcher } from './deliver-alerts/delivery-dispatcher';
import { AlertScheduler } from './evaluate-alerts/alert-scheduler';
import { EvaluateAlertsHandler } from './evaluate-alerts/evaluate-alerts.handler';
import { AlerterProgress, NO_BACKLOG } from './health/alerter-progress';
import { OutboxBacklog } from './health/outbox-backlog';
import { AlerterTelemetry } from './observability/alerter-telemetry';

const PRODUCER = Symbol('AlertsProducer');
const PRODUCER_PART = Symbol('AlertsProducerPart');

/** Raises and resolves alerts (contract §6) and delivers them through the outbox. */
@Module({})
export class AlerterModule {
  /** The scheduler's deliveries use the producer: it stops before the producer does. */
  static readonly parts: InjectedPart[] = [
    { name: 'producer', token: PRODUCER_PART },
    { name: 'outbox backlog', token: OutboxBacklog },
    { name: 'scheduler', token: AlertScheduler },
  ];

  static with(config: AlerterConfig, secrets: SecretBox): DynamicModule {
    return {
      module: AlerterModule,
      controllers: [HealthHttpController],
      providers: [
        {
          provide: PRODUCER,
          inject: [KAFKA],
          useFactory: async (kafka: Kafka) => {
            const producer = new RenewingProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
            await producer.connect();
            return producer;
          },
        },
        {
          provide: PRODUCER_PART,
          inject: [PRODUCER],
          useFactory: (producer: RenewingProducer): Partial<ServicePart> => ({
            stop: () => producer.disconnect(),
          }),
        },
        {
          provide: AlerterTelemetry,
          inject: [ServiceTelemetry],
          useFactory: (telemetry: ServiceTelemetry) => new AlerterTelemetry(telemetry.metrics),
        },
        {
          provide: DeliveryDispatcher,
          inject: [DataSource, PRODUCER, AlerterTelemetry, LOGGER],
          useFactory: (
            db: DataSource,
            producer: RenewingProducer,
            telemetry: AlerterTelemetry,
            logger: Logger,
          ) => {
            const deliver = new DeliverAlertsHandler(
              db,
              producer,
              {
                retryBaseMs: config.ALERTER_RETRY_BASE_MS,
                retryMaxMs: config.ALERTER_RETRY_MAX_MS,
                webhookTimeoutMs: config.ALERTER_WEBHOOK_TIMEOUT_MS,
                policy: new WebhookTargetPolicy(config.ALERTER_WEBHOOK_ALLOW_CIDRS),
                onAttempt: (channel, delivered, seconds) => telemetry.delivered(channel, delivered, seconds),
                secrets,
              },
              logger,
            );
            return new DeliveryDispatcher(
              db,
              telemetry.delivery(deliver),
              {
                concurrency: config.ALERTER_DELIVERY_CONCURRENCY,
                kafkaBatch: config.ALERTER_KAFKA_BATCH,
                perWebhook: config.ALERTER_WEBHOOK_CONCURRENCY,
                pollMs: Math.min(1_000, config.ALERTER_INTERVAL_MS),
              },
              logger,
            );
          },
        },
        {
          provide: OutboxBacklog,
          inject: [DataSource],
          useFactory: (db: DataSource) => new OutboxBacklog(db, config.ALERTER_WEBHOOK_CONCURRENCY),
        },
        {
          // the errors behind its problems are shown or not by the readiness monitor (NODE_ENV)
          provide: AlerterProgress,
          inject: [ServiceTelemetry, OutboxBacklog],
          useFactory: (telemetry: ServiceTelemetry, backlog: OutboxBacklog) => {
            const progress = new AlerterProgress(config.ALERTER_STUCK_AFTER_MS);
            telemetry.metrics.adopt(progress.registry);
            telemetry.metrics.beforeScrape(() => progress.refreshGauges(backlog.latest() ?? NO_BACKLOG));
            telemetry.readiness.addProblems(() => progress.problems(backlog.latest() ?? NO_BACKLOG));
            return progress;
          },
        },
        {
          provide: AlertScheduler,
          inject: [
            DataSource,
            DeliveryDispatcher,
            AlerterProgress,
            AlerterTelemetry,
            LOGGER,
            ServiceTelemetry,
          ],
          useFactory: (
            db: DataSource,
            dispatcher: DeliveryDispatcher,
            progress: AlerterProgress,
            telemetry: AlerterTelemetry,
            logger: Logger,
            service: ServiceTelemetry,
          ) =>
            new AlertScheduler(
              new EvaluateAlertsHandler(
                db,
                {
                  roundSize: config.ALERTER_ROUND_SIZE,
                  bulkRoundSize: config.ALERTER_BULK_ROUND_SIZE,
                  sweepPageSize: 1_000,
                },
                telemetry,
              ),
              dispatcher,
              new PgListener({
                databaseUrl: config.DATABASE_URL,
                logger,
                applicationName: 'orgpulse-alerter-listener',
                metrics: service.metrics,
              }),
              { intervalMs: config.ALERTER_INTERVAL_MS, changeGapMs: config.ALERTER_CHANGE_GAP_MS },
              progress,
              logger,
              telemetry,
            ),
        },
      ],
    };
  }
}

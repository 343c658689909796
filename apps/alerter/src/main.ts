import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Topics } from '@orgpulse/contracts';
import { WebhookTargetPolicy } from '@orgpulse/domain';
import { RenewingProducer } from '@orgpulse/messaging';
import { PgListener, WebhooksRepository } from '@orgpulse/persistence';
import { NestPinoLogger, SecretBox, loadEnv, runService } from '@orgpulse/platform';
import { composeService, connectService, partOf, serveApp } from '@orgpulse/runtime';
import { AlerterModule } from './alerter.module';
import { AlerterProgress, NO_BACKLOG } from './health/alerter-progress';
import { AlerterTelemetry } from './observability/alerter-telemetry';
import { OutboxBacklog } from './health/outbox-backlog';
import { alerterEnv } from './alerter.env';
import { DeliverAlertsHandler } from './deliver-alerts/deliver-alerts.handler';
import { DeliveryDispatcher } from './deliver-alerts/delivery-dispatcher';
import { AlertScheduler } from './evaluate-alerts/alert-scheduler';
import { EvaluateAlertsHandler } from './evaluate-alerts/evaluate-alerts.handler';

runService('orgpulse-alerter', async () => {
  const config = loadEnv(alerterEnv);
  const { logger, db, kafka, kafkaHealth, telemetry } = await connectService('alerter', config, {
    topics: [{ topic: Topics.alerts, numPartitions: config.KAFKA_TOPIC_PARTITIONS }],
  });
  const secrets = new SecretBox(config.ORGPULSE_SECRETS_KEY);
  const sealed = await new WebhooksRepository(db, secrets).sealClearSecrets();
  if (sealed > 0)
    logger.info({ webhooks: sealed }, 'sealed webhook secrets an older release stored in clear');
  const producer = new RenewingProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const alerterTelemetry = new AlerterTelemetry(telemetry.metrics);
  const deliver = new DeliverAlertsHandler(
    db,
    producer,
    {
      retryBaseMs: config.ALERTER_RETRY_BASE_MS,
      retryMaxMs: config.ALERTER_RETRY_MAX_MS,
      webhookTimeoutMs: config.ALERTER_WEBHOOK_TIMEOUT_MS,
      policy: new WebhookTargetPolicy(config.ALERTER_WEBHOOK_ALLOW_CIDRS),
      onAttempt: (channel, delivered, seconds) => alerterTelemetry.delivered(channel, delivered, seconds),
      secrets,
    },
    logger,
  );
  const dispatcher = new DeliveryDispatcher(
    db,
    alerterTelemetry.delivery(deliver),
    {
      concurrency: config.ALERTER_DELIVERY_CONCURRENCY,
      perWebhook: config.ALERTER_WEBHOOK_CONCURRENCY,
      pollMs: Math.min(1_000, config.ALERTER_INTERVAL_MS),
    },
    logger,
  );
  // the errors behind its problems are shown or not by the readiness monitor (NODE_ENV)
  const progress = new AlerterProgress(config.ALERTER_STUCK_AFTER_MS);
  const scheduler = new AlertScheduler(
    new EvaluateAlertsHandler(
      db,
      {
        roundSize: config.ALERTER_ROUND_SIZE,
        bulkRoundSize: config.ALERTER_BULK_ROUND_SIZE,
        sweepPageSize: 1_000,
      },
      alerterTelemetry,
    ),
    dispatcher,
    new PgListener({
      databaseUrl: config.DATABASE_URL,
      logger,
      applicationName: 'orgpulse-alerter-listener',
    }),
    { intervalMs: config.ALERTER_INTERVAL_MS, changeGapMs: config.ALERTER_CHANGE_GAP_MS },
    progress,
    logger,
    alerterTelemetry,
  );
  const backlog = new OutboxBacklog(db, config.ALERTER_WEBHOOK_CONCURRENCY);
  telemetry.metrics.adopt(progress.registry);
  telemetry.metrics.beforeScrape(() => progress.refreshGauges(backlog.latest() ?? NO_BACKLOG));
  telemetry.readiness.addProblems(() => progress.problems(backlog.latest() ?? NO_BACKLOG));
  const app = await NestFactory.create<NestFastifyApplication>(
    composeService(
      { module: AlerterModule },
      {
        connections: { db, kafkaHealth, telemetry, logger },
        // the scheduler's deliveries use the producer: it stops first
        parts: [
          { name: 'producer', stop: () => producer.disconnect() },
          partOf('outbox backlog', backlog),
          partOf('scheduler', scheduler),
        ],
      },
    ),
    new FastifyAdapter(),
    { logger: new NestPinoLogger(logger), abortOnError: false },
  );
  await serveApp(app, {
    service: 'alerter',
    port: config.ALERTER_PORT,
    host: config.HOST,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    logger,
    telemetry,
  });
});

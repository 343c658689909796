import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Topics } from '@orgpulse/contracts';
import { NestPinoLogger, loadEnv, runService } from '@orgpulse/platform';
import { connectService, serveApp } from '@orgpulse/runtime';
import { AlerterModule } from './alerter.module';
import { AlerterProgress } from './health/alerter-progress';
import { alerterEnv } from './alerter.env';
import { DeliverAlertsHandler } from './deliver-alerts/deliver-alerts.handler';
import { AlertScheduler } from './evaluate-alerts/alert-scheduler';
import { EvaluateAlertsHandler } from './evaluate-alerts/evaluate-alerts.handler';

runService('orgpulse-alerter', async () => {
  const config = loadEnv(alerterEnv);
  const { logger, db, kafka, kafkaHealth } = await connectService('alerter', config, {
    topics: [{ topic: Topics.alerts, numPartitions: config.KAFKA_TOPIC_PARTITIONS }],
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const deliver = new DeliverAlertsHandler(
    db,
    producer,
    {
      retryBaseMs: config.ALERTER_RETRY_BASE_MS,
      maxAttempts: config.ALERTER_MAX_ATTEMPTS,
      webhookTimeoutMs: config.ALERTER_WEBHOOK_TIMEOUT_MS,
    },
    logger,
  );
  const progress = new AlerterProgress(config.ALERTER_STUCK_AFTER_MS);
  const scheduler = new AlertScheduler(
    new EvaluateAlertsHandler(db),
    deliver,
    config.DATABASE_URL,
    config.ALERTER_INTERVAL_MS,
    progress,
    logger,
  );
  const app = await NestFactory.create<NestFastifyApplication>(
    AlerterModule.with({ db, kafkaHealth, scheduler, producer, progress }),
    new FastifyAdapter(),
    { logger: new NestPinoLogger(logger), abortOnError: false },
  );
  await serveApp(app, {
    service: 'alerter',
    port: config.ALERTER_PORT,
    host: config.HOST,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    logger,
  });
});

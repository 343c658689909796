import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Topics } from '@orgpulse/contracts';
import { NestPinoLogger, loadEnv, runService } from '@orgpulse/platform';
import { connectService, serveApp, withTelemetry } from '@orgpulse/runtime';
import { AlertChanges } from './alerts/alert-changes';
import { apiEnv } from './api.env';
import { ApiModule } from './api.module';
import { limitRequestBodies } from './graphql/request-body';
import { OrgDataVersions } from './graphql/result-cache/org-data-versions';
import { serveLeadershipPage } from './leadership-page/leadership-page.static';

runService('orgpulse-api', async () => {
  const config = loadEnv(apiEnv);
  const { logger, db, kafkaHealth, telemetry } = await connectService('api', config, {
    topics: [{ topic: Topics.alerts, numPartitions: config.KAFKA_TOPIC_PARTITIONS }],
  });
  const alertChanges = new AlertChanges(config.KAFKA_BROKERS, logger);
  const dataVersions = new OrgDataVersions(config.DATABASE_URL, logger);
  const app = await NestFactory.create<NestExpressApplication>(
    withTelemetry(
      ApiModule.with({
        db,
        kafkaHealth,
        alertChanges,
        dataVersions,
        resultCacheMs: config.API_RESULT_CACHE_MS,
        logger,
        production: config.NODE_ENV === 'production',
        metrics: telemetry.metrics,
      }),
      telemetry,
    ),
    { logger: new NestPinoLogger(logger), abortOnError: false, bodyParser: false },
  );
  limitRequestBodies(app);
  serveLeadershipPage(app, logger);
  await serveApp(app, {
    service: 'api',
    port: config.API_PORT,
    host: config.HOST,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    logger,
    telemetry,
  });
});

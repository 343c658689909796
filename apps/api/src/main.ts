import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Topics } from '@orgpulse/contracts';
import { NestPinoLogger, loadEnv, runService } from '@orgpulse/platform';
import { connectService, serveApp } from '@orgpulse/runtime';
import { AlertChanges } from './alerts/alert-changes';
import { type ApiPrincipal, CredentialCache, CredentialsRepository, PgListener } from '@orgpulse/persistence';
import { apiEnv } from './api.env';
import { ApiCache } from './cache/api-cache';
import { ApiModule } from './api.module';
import { limitRequestBodies } from './graphql/request-body';
import { OrgDataVersions } from './graphql/result-cache/org-data-versions';
import { serveLeadershipPage } from './leadership-page/leadership-page.static';

runService('orgpulse-api', async () => {
  const config = loadEnv(apiEnv);
  const { logger, db, kafkaHealth } = await connectService('api', config, {
    topics: [{ topic: Topics.alerts, numPartitions: config.KAFKA_TOPIC_PARTITIONS }],
  });
  const alertChanges = new AlertChanges(config.KAFKA_BROKERS, logger);
  const listener = new PgListener({
    databaseUrl: config.DATABASE_URL,
    logger,
    applicationName: 'orgpulse-api-listener',
  });
  const dataVersions = new OrgDataVersions(listener);
  const credentials = new CredentialsRepository(db);
  const principals = new CredentialCache<ApiPrincipal>(
    listener,
    (hash) => credentials.findApiPrincipalByHash(hash),
    { ttlMs: config.API_TOKEN_CACHE_MS, maxEntries: 10_000 },
  );
  const cache =
    config.API_RESULT_CACHE_MS > 0
      ? new ApiCache({ maxBytes: config.API_CACHE_MAX_BYTES, maxAgeMs: config.API_RESULT_CACHE_MS })
      : undefined;
  const app = await NestFactory.create<NestExpressApplication>(
    ApiModule.with({
      db,
      kafkaHealth,
      alertChanges,
      listener,
      dataVersions,
      principals,
      cache,
      logger,
      production: config.NODE_ENV === 'production',
    }),
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
  });
});

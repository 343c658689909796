import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Topics } from '@orgpulse/contracts';
import { type ApiPrincipal, CredentialCache, CredentialsRepository, PgListener } from '@orgpulse/persistence';
import { NestPinoLogger, loadEnv, runService } from '@orgpulse/platform';
import { connectService, serveApp, withTelemetry } from '@orgpulse/runtime';
import { AlertChanges } from './alerts/alert-changes';
import { apiEnv } from './api.env';
import { ApiModule } from './api.module';
import { ApiAuthenticator } from './auth/api-authenticator';
import { authenticateGraphqlRequests } from './auth/api-token.hook';
import { ApiCache } from './cache/api-cache';
import { ApiMetrics } from './metrics/api-metrics';
import { GRAPHQL_PATH } from './graphql/graphql-options';
import { GRAPHQL_BODY_LIMIT, registerGraphqlBodyParsers } from './graphql/request-body';
import { answerFromCache } from './graphql/result-cache/answer-from-cache';
import { OrgDataVersions } from './graphql/result-cache/org-data-versions';
import { ResultCache } from './graphql/result-cache/result-cache';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { serveLeadershipPage } from './leadership-page/leadership-page.static';

runService('orgpulse-api', async () => {
  const config = loadEnv(apiEnv);
  const { logger, db, kafkaHealth, telemetry } = await connectService('api', config, {
    topics: [{ topic: Topics.alerts, numPartitions: config.KAFKA_TOPIC_PARTITIONS }],
  });
  const alertChanges = new AlertChanges(config.KAFKA_BROKERS, logger);
  // one LISTEN connection: projection changes (cache versions) and credential revocations
  const listener = new PgListener({
    databaseUrl: config.DATABASE_URL,
    logger,
    applicationName: 'orgpulse-api-listener',
  });
  const dataVersions = new OrgDataVersions(listener);
  const credentials = new CredentialsRepository(db);
  const tokens: CredentialCache<ApiPrincipal> = new CredentialCache<ApiPrincipal>(
    listener,
    (hash) => credentials.findApiPrincipalByHash(hash),
    { ttlMs: config.API_TOKEN_CACHE_MS, maxEntries: 10_000 },
    telemetry.metrics.cache('api_tokens', { entries: () => tokens.size }),
  );
  const authenticator = new ApiAuthenticator(tokens);
  const cache =
    config.API_RESULT_CACHE_MS > 0
      ? // half the budget for answers and what they are computed from, half for teams' weeks (api.module)
        new ApiCache({
          maxBytes: Math.floor(config.API_CACHE_MAX_BYTES / 2),
          maxAgeMs: config.API_RESULT_CACHE_MS,
        })
      : undefined;
  const resultCache = cache && new ResultCache(dataVersions, cache);
  if (cache && resultCache)
    resultCache.meter = telemetry.metrics.cache('api_results', {
      entries: () => cache.entries,
      bytes: () => cache.bytes,
    });
  // the API cache's budget and use, on the process's /metrics
  telemetry.metrics.adopt(new ApiMetrics(cache).registry);
  const app = await NestFactory.create<NestFastifyApplication>(
    withTelemetry(
      ApiModule.with({
        db,
        kafkaHealth,
        alertChanges,
        listener,
        dataVersions,
        authenticator,
        cache,
        resultCache,
        limits: {
          deadlineMs: config.API_QUERY_DEADLINE_MS,
          maxResponseBytes: config.API_MAX_RESPONSE_BYTES,
        },
        logger,
        // what is hidden from clients in production: the schema (introspection, field suggestions)
        hideSchema:
          config.API_INTROSPECTION === 'off' ||
          (config.API_INTROSPECTION === 'auto' && config.NODE_ENV === 'production'),
        metrics: telemetry.metrics,
      }),
      telemetry,
    ),
    new FastifyAdapter({ bodyLimit: GRAPHQL_BODY_LIMIT, return503OnClosing: true }),
    { bodyParser: false, logger: new NestPinoLogger(logger), abortOnError: false },
  );
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  const fastify = app.getHttpAdapter().getInstance();
  registerGraphqlBodyParsers(fastify);
  authenticateGraphqlRequests(fastify, authenticator, GRAPHQL_PATH);
  if (resultCache) answerFromCache(fastify, resultCache, GRAPHQL_PATH);
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

import 'reflect-metadata';
import { Topics } from '@orgpulse/contracts';
import {
  type ApiPrincipal,
  CredentialCache,
  CredentialsRepository,
  NOTIFY_CHANNELS,
  PgListener,
} from '@orgpulse/persistence';
import { WebhookTargetPolicy } from '@orgpulse/domain';
import { SecretBox, loadEnv, runService } from '@orgpulse/platform';
import { connectService, partOf, serveService } from '@orgpulse/runtime';
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
import { ORG_SIZES_DEFAULTS, OrgSizesSource } from './graphql/query-limits/org-sizes.source';
import { OrgDataVersions } from './graphql/result-cache/org-data-versions';
import { ResultCache } from './graphql/result-cache/result-cache';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { serveLeadershipPage } from './leadership-page/leadership-page.static';
import { GraphqlWsPart } from './subscriptions/graphql-ws.part';
import { OpenSockets } from './subscriptions/open-sockets';

/** Revoked tokens' subscriptions are closed within this (plus one PostgreSQL round trip). */
const TOKEN_RECHECK_MS = 2_000;

runService('orgpulse-api', async () => {
  const config = loadEnv(apiEnv);
  const connections = await connectService('api', config, {
    topics: [{ topic: Topics.alerts, numPartitions: config.KAFKA_TOPIC_PARTITIONS }],
  });
  const { logger, db, telemetry } = connections;
  const alertChanges = new AlertChanges(config.KAFKA_BROKERS, logger);
  // one LISTEN connection: projection changes (cache versions) and credential revocations
  const listener = new PgListener({
    databaseUrl: config.DATABASE_URL,
    logger,
    applicationName: 'orgpulse-api-listener',
    metrics: telemetry.metrics,
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
  const openSockets = new OpenSockets(credentials, logger, TOKEN_RECHECK_MS);
  // a revocation closes the token's subscriptions as its NOTIFY arrives (the recheck stays as a net)
  listener.on(NOTIFY_CHANNELS.credentials, () => void openSockets.closeRevoked());
  // a 16th of the budget for orgs' team and people counts (about 1,200 orgs at the default), half for
  // teams' timelines (api.module), the rest for answers and what they are computed from
  const sizesBytes = Math.floor(config.API_CACHE_MAX_BYTES / 16);
  const cache =
    config.API_RESULT_CACHE_MS > 0
      ? new ApiCache({
          maxBytes: Math.floor(config.API_CACHE_MAX_BYTES / 2) - sizesBytes,
          maxAgeMs: config.API_RESULT_CACHE_MS,
        })
      : undefined;
  const sizes = new OrgSizesSource(db, cache, dataVersions, logger, {
    ...ORG_SIZES_DEFAULTS,
    maxBytes: sizesBytes,
  });
  telemetry.metrics.cache('api_org_sizes', {
    entries: () => sizes.held.entries,
    bytes: () => sizes.held.bytes,
  });
  const resultCache = cache && new ResultCache(dataVersions, cache);
  if (cache && resultCache)
    resultCache.meter = telemetry.metrics.cache('api_results', {
      entries: () => cache.entries,
      bytes: () => cache.bytes,
    });
  // the API cache's budget and use, on the process's /metrics
  telemetry.metrics.adopt(new ApiMetrics(cache).registry);
  telemetry.metrics.adopt(alertChanges.registry);
  await serveService(
    ApiModule.with({
      db,
      alertChanges,
      dataVersions,
      authenticator,
      openSockets,
      secrets: new SecretBox(config.ORGPULSE_SECRETS_KEY),
      webhookTargets: new WebhookTargetPolicy(config.ALERTER_WEBHOOK_ALLOW_CIDRS),
      cache,
      resultCache,
      sizes,
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
    {
      connections,
      parts: [
        { name: 'api cache', stop: () => cache?.stop() },
        { name: 'org sizes', stop: () => sizes.stop() },
        partOf('alert changes', alertChanges),
        partOf('listener', listener),
      ],
      injectedParts: [{ name: 'graphql-ws', token: GraphqlWsPart }],
    },
    {
      service: 'api',
      port: config.API_PORT,
      config,
      ownBodyParsers: { bodyLimit: GRAPHQL_BODY_LIMIT },
      configure: (app) => {
        app.useGlobalFilters(new ApiExceptionFilter(logger));
        const fastify = app.getHttpAdapter().getInstance();
        registerGraphqlBodyParsers(fastify);
        authenticateGraphqlRequests(fastify, authenticator, GRAPHQL_PATH);
        if (resultCache) answerFromCache(fastify, resultCache, GRAPHQL_PATH);
        serveLeadershipPage(app, logger);
      },
    },
  );
});

import 'reflect-metadata';
import { SwaggerModule } from '@nestjs/swagger';
import { Topics } from '@orgpulse/contracts';
import { EVENT_TOPIC_CONFIG, EventPublisher } from '@orgpulse/messaging';
import { SecretBox, loadEnv, runService } from '@orgpulse/platform';
import { connectService, partOf, serveService } from '@orgpulse/runtime';
import { buildIngestOpenApi } from './docs/ingest-openapi';
import { ingestEnv } from './ingest.env';
import { IngestKeyCache } from './auth/ingest-key.cache';
import { CredentialsRepository, IntegrationsRepository } from '@orgpulse/persistence';
import { IngestModule } from './ingest.module';
import { ingestPublishMeter, watchPublishBacklog } from './observability/ingest-metrics';
import { TokenBucketRateLimiter } from './rate-limit/token-bucket.rate-limiter';
import { registerIntegrationBodyParsers } from './receive-integrations/integration-body';
import {
  MAX_BODY_BYTES,
  closeConnectionsWhenStopping,
  registerEventBodyParsers,
} from './record-events/parse-event-body';

runService('orgpulse-ingest', async () => {
  const config = loadEnv(ingestEnv);
  // few, short retries: an unreachable broker becomes a quick 503 the client can retry
  const connections = await connectService('ingest', config, {
    topics: [
      { topic: Topics.events, numPartitions: config.KAFKA_TOPIC_PARTITIONS, config: EVENT_TOPIC_CONFIG },
    ],
    kafkaRetry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  const { logger, db, kafka, telemetry } = connections;
  const publisher = new EventPublisher(
    kafka,
    {
      timeoutMs: config.INGEST_PUBLISH_TIMEOUT_MS,
      maxPendingBytes: config.INGEST_MAX_PENDING_BYTES,
      maxPendingRequests: config.INGEST_MAX_PENDING_REQUESTS,
      lanes: config.INGEST_KAFKA_PRODUCERS,
    },
    ingestPublishMeter(telemetry.metrics),
  );
  await publisher.connect();
  watchPublishBacklog(telemetry.metrics, publisher);
  const rateLimiter = new TokenBucketRateLimiter({
    perSecond: config.INGEST_RATE_LIMIT_PER_SECOND,
    burst: config.INGEST_RATE_LIMIT_BURST,
  });

  const keys = new IngestKeyCache(
    new CredentialsRepository(db),
    { databaseUrl: config.DATABASE_URL, ttlMs: config.INGEST_KEY_CACHE_MS, maxEntries: 10_000 },
    logger,
    telemetry.metrics,
  );
  const integrations = new IntegrationsRepository(db, new SecretBox(config.ORGPULSE_SECRETS_KEY));

  await serveService(
    IngestModule.with({ publisher, rateLimiter, keys, integrations }),
    {
      connections,
      parts: [{ name: 'publisher', stop: () => publisher.disconnect() }, partOf('ingest keys', keys)],
    },
    {
      service: 'ingest',
      port: config.INGEST_PORT,
      config,
      ownBodyParsers: { bodyLimit: MAX_BODY_BYTES },
      traceRequests: true,
      configure: (app) => {
        const fastify = app.getHttpAdapter().getInstance();
        registerEventBodyParsers(fastify);
        registerIntegrationBodyParsers(fastify);
        closeConnectionsWhenStopping(fastify);
        SwaggerModule.setup('docs', app, buildIngestOpenApi(app), { jsonDocumentUrl: 'docs/openapi.json' });
      },
    },
  );
});

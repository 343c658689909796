import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { contractSchemaFiles, replaceEventTypesTable } from '@orgpulse/contracts';
import { EventPublisher, createKafka } from '@orgpulse/messaging';
import { CredentialsRepository, IntegrationsRepository, createDataSource } from '@orgpulse/persistence';
import { IngestKeyCache } from '../auth/ingest-key.cache';
import { ReadinessMonitor, SecretBox, createLogger } from '@orgpulse/platform';
import { IngestModule } from '../ingest.module';
import { LOGGER } from '@orgpulse/runtime';
import { TokenBucketRateLimiter } from '../rate-limit/token-bucket.rate-limiter';
import { OPENAPI_FILE, buildIngestOpenApi } from './ingest-openapi';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The ingest module wired to clients that never connect: enough to read its routes. */
async function renderOpenApi(): Promise<string> {
  const logger = createLogger('docs', 'silent');
  const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'docs', logger, quiet: true });
  const db = createDataSource({ url: 'postgres://docs@127.0.0.1:1/docs' });
  const module = IngestModule.with({
    publisher: new EventPublisher(kafka),
    rateLimiter: new TokenBucketRateLimiter({ perSecond: 0, burst: 1 }),
    keys: new IngestKeyCache(
      new CredentialsRepository(db),
      { databaseUrl: 'postgres://docs@127.0.0.1:1/docs', ttlMs: 0, maxEntries: 0 },
      logger,
    ),
    integrations: new IntegrationsRepository(db, new SecretBox(Buffer.alloc(32))),
  });
  // the apps get theirs with their telemetry (composeService); this one never checks anything
  const readiness = new ReadinessMonitor({}, { intervalMs: 60_000, timeoutMs: 1_000 });
  const app = await NestFactory.create<NestFastifyApplication>(
    {
      ...module,
      providers: [
        ...(module.providers ?? []),
        { provide: ReadinessMonitor, useValue: readiness },
        { provide: LOGGER, useValue: logger },
      ],
    },
    new FastifyAdapter(),
    { logger: false },
  );
  try {
    return json(buildIngestOpenApi(app));
  } finally {
    await app.close();
  }
}

/** Every generated document, by path from the repository root, given the current README. */
export async function renderDocs(readme: string): Promise<Record<string, string>> {
  const schemas = Object.entries(contractSchemaFiles()).map(
    ([file, schema]): [string, string] => [`docs/schemas/${file}`, json(schema)],
  );
  return {
    ...Object.fromEntries(schemas),
    [OPENAPI_FILE]: await renderOpenApi(),
    'README.md': replaceEventTypesTable(readme),
  };
}

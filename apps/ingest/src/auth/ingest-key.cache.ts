import { CredentialCache, type CredentialsRepository, PgListener } from '@orgpulse/persistence';
import type { Logger, ServiceMetrics } from '@orgpulse/platform';

export interface IngestKeyCacheOptions {
  databaseUrl: string;
  /** a safety net under the notifications, not what revocation relies on */
  ttlMs: number;
  maxEntries: number;
}

/**
 * The org of each ingest key seen recently, so a request costs no query: the shared CredentialCache
 * (a revocation's NOTIFY drops the key at once; nothing is served while the listener is down).
 */
export class IngestKeyCache {
  private readonly listener: PgListener;
  private readonly keys: CredentialCache<{ orgId: string }>;

  constructor(
    credentials: CredentialsRepository,
    options: IngestKeyCacheOptions,
    logger: Logger,
    metrics?: ServiceMetrics,
  ) {
    this.listener = new PgListener({
      databaseUrl: options.databaseUrl,
      logger,
      applicationName: 'orgpulse-ingest-listener',
      metrics,
    });
    this.keys = new CredentialCache(
      this.listener,
      async (hash) => {
        const orgId = await credentials.findOrgIdByIngestKeyHash(hash);
        return orgId === undefined ? undefined : { orgId };
      },
      options,
      metrics?.cache('ingest_keys', { entries: () => this.keys.size }),
    );
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }

  async orgOf(key: string): Promise<string | undefined> {
    return (await this.keys.get(key))?.orgId;
  }
}

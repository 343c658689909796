import { type CredentialsRepository, hashSecret } from '@orgpulse/persistence';
import { type CacheMeter, type Logger, type ServiceMetrics, describeError } from '@orgpulse/platform';
import { Client } from 'pg';

export const CREDENTIALS_CHANNEL = 'orgpulse_credentials';

export interface IngestKeyCacheOptions {
  databaseUrl: string;
  /** a safety net under the notifications, not what revocation relies on */
  ttlMs: number;
  maxEntries: number;
}

/**
 * The org of each ingest key seen recently, so a request costs no query. A revocation NOTIFYs the key's
 * hash in its own transaction and the entry is dropped when it commits; while this listener is not
 * connected nothing is served from memory, so a revoked key is never accepted for longer than that.
 */
export class IngestKeyCache {
  private readonly entries = new Map<string, { orgId: string; at: number }>();
  private listener: Client | undefined;
  private listening = false;
  private stopped = false;
  private readonly meter: CacheMeter | undefined;

  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly options: IngestKeyCacheOptions,
    private readonly logger: Logger,
    metrics?: ServiceMetrics,
  ) {
    this.meter = metrics?.cache('ingest_keys', { entries: () => this.entries.size });
  }

  async start(): Promise<void> {
    await this.listen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    await this.listener?.end().catch(() => undefined);
  }

  async orgOf(key: string): Promise<string | undefined> {
    const hash = hashSecret(key);
    const cached = this.entries.get(hash);
    if (cached && this.listening && Date.now() - cached.at < this.options.ttlMs) {
      this.meter?.hit();
      return cached.orgId;
    }
    this.meter?.miss();
    const orgId = await this.credentials.findOrgIdByIngestKeyHash(hash);
    this.entries.delete(hash);
    if (orgId !== undefined && this.listening) {
      if (this.entries.size >= this.options.maxEntries)
        this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(hash, { orgId, at: Date.now() });
    }
    return orgId;
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl });
    client.on('notification', (message) => {
      if (message.payload) this.entries.delete(message.payload);
    });
    client.on('error', (error) => {
      this.listening = false;
      this.entries.clear();
      this.logger.warn(
        { err: describeError(error) },
        'lost the credentials listener; keys are checked in PostgreSQL',
      );
      void client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => undefined), 2_000);
    });
    await client.connect();
    await client.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
    this.listener = client;
    this.entries.clear();
    this.listening = true;
  }
}

import { PROJECTIONS_CHANNEL, parseProjectionNotice } from '@orgpulse/persistence';
import { type Logger, describeError } from '@orgpulse/platform';
import { Client } from 'pg';

/**
 * A counter per org that moves whenever the org's read models change (the projector's NOTIFY) or a
 * mutation of this instance changes what its queries answer. Results cached under an older count
 * are never served again.
 */
export class OrgDataVersions {
  private readonly versions = new Map<string, number>();
  private listener: Client | undefined;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {}

  /** False while the listener is down: changes could go unseen, so nothing may be served from cache. */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  of(orgId: string): number {
    return this.versions.get(orgId) ?? 0;
  }

  bump(orgId: string): void {
    this.versions.set(orgId, this.of(orgId) + 1);
  }

  async start(): Promise<void> {
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: 'orgpulse-api-listener',
    });
    client.on('notification', (message) => {
      if (message.payload) this.bump(parseProjectionNotice(message.payload).orgId);
    });
    client.on('error', (error) => {
      this.logger.warn({ err: describeError(error) }, 'lost the projection-change listener; caching is off');
      this.listener = undefined;
      if (!this.stopped) setTimeout(() => void this.start().catch(() => undefined), 5_000);
    });
    await client.connect();
    await client.query(`LISTEN ${PROJECTIONS_CHANNEL}`);
    // whatever changed while nobody listened is unknown: forget every version seen so far
    for (const orgId of this.versions.keys()) this.bump(orgId);
    this.listener = client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end();
  }
}

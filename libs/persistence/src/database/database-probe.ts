import { Client } from 'pg';

/**
 * Answers whether PostgreSQL answers now, on a connection of its own: a pool busy with the app's work
 * (every connection taken under load) is not a database that is down, and must not make probes wait.
 */
export class DatabaseProbe {
  private client: Client | undefined;

  constructor(
    private readonly url: string,
    private readonly applicationName: string,
    private readonly timeoutMs = 2_000,
  ) {}

  async isReachable(): Promise<boolean> {
    try {
      this.client ??= await this.connect();
      await this.client.query('SELECT 1');
      return true;
    } catch {
      const stale = this.client;
      this.client = undefined;
      await stale?.end().catch(() => undefined);
      return false;
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.url,
      application_name: `${this.applicationName}-probe`,
      connectionTimeoutMillis: this.timeoutMs,
      statement_timeout: this.timeoutMs,
      query_timeout: this.timeoutMs,
    });
    // a connection lost between checks is noticed by the next query; never an unhandled error
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }
}

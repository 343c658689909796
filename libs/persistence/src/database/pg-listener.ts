import { type Logger, describeError } from '@orgpulse/platform';
import { Client } from 'pg';
import type { NotifyChannel } from './notify-channels';

export interface PgListenerOptions {
  databaseUrl: string;
  logger: Logger;
  /** Shown in pg_stat_activity. */
  applicationName: string;
  /** Wait before connecting again after the connection is lost. */
  reconnectMs?: number;
}

type Handler = (payload: string) => void;

/**
 * One PostgreSQL connection LISTENing on the channels its users registered, reconnecting when lost.
 * Caches built on notifications must serve nothing while `listening` is false (a change could go
 * unseen); `onListening` tells them when a (new) connection starts, so they can forget what they held.
 */
export class PgListener {
  private readonly handlers = new Map<string, Handler[]>();
  private readonly connectionHandlers: ((listening: boolean) => void)[] = [];
  private client: Client | undefined;
  private connected = false;
  private stopped = false;

  constructor(private readonly options: PgListenerOptions) {}

  get listening(): boolean {
    return this.connected;
  }

  /** Register before start(). */
  on(channel: NotifyChannel, handler: Handler): void {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
  }

  /** Called with false when the connection is lost, with true once a new one listens. */
  onListening(handler: (listening: boolean) => void): void {
    this.connectionHandlers.push(handler);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.setConnected(false);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.options.databaseUrl,
      application_name: this.options.applicationName,
    });
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('error', (error) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.setConnected(false);
      this.options.logger.warn(
        { err: describeError(error), listener: this.options.applicationName },
        'lost the PostgreSQL notification listener; caches built on it are off until it is back',
      );
      void client.end().catch(() => undefined);
      this.reconnectLater();
    });
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      void client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.setConnected(true);
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    setTimeout(() => {
      if (this.stopped) return;
      this.connect().catch(() => this.reconnectLater());
    }, this.options.reconnectMs ?? 2_000).unref();
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    for (const handler of this.connectionHandlers) handler(connected);
  }
}

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
  /** How often the connection is asked to answer: a listener sends nothing else, so a dead path would go unseen. */
  heartbeatMs?: number;
  /** No answer within this is a lost connection. */
  heartbeatTimeoutMs?: number;
}

type Handler = (payload: string) => void;

/**
 * One PostgreSQL connection LISTENing on the channels its users registered, reconnecting when lost.
 * Caches built on notifications must serve nothing while `listening` is false (a change could go
 * unseen); `onListening` tells them when a (new) connection starts, so they can forget what they held.
 * A connection whose path died without a close (a dropped NAT entry, a partition) raises no error on a
 * socket that only reads: a heartbeat query finds it, so `listening` is false within a heartbeat and its
 * timeout rather than never.
 */
export class PgListener {
  private readonly handlers = new Map<string, Handler[]>();
  private readonly connectionHandlers: ((listening: boolean) => void)[] = [];
  private client: Client | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private beating = false;
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
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.options.databaseUrl,
      application_name: this.options.applicationName,
      keepAlive: true,
    });
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('error', (error) => this.lose(client, error));
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
    this.beating = false;
    this.heartbeat = setInterval(() => this.beat(client), this.options.heartbeatMs ?? 10_000).unref();
    this.setConnected(true);
  }

  private beat(client: Client): void {
    // one at a time: node-postgres would queue the next behind an unanswered one
    if (this.beating) return;
    this.beating = true;
    const timeoutMs = this.options.heartbeatTimeoutMs ?? 5_000;
    const timer = setTimeout(
      () => this.lose(client, new Error(`no answer to the heartbeat within ${timeoutMs} ms`)),
      timeoutMs,
    ).unref();
    client.query('SELECT 1').then(
      () => {
        clearTimeout(timer);
        this.beating = false;
      },
      (error: unknown) => {
        clearTimeout(timer);
        this.lose(client, error);
      },
    );
  }

  private lose(client: Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearInterval(this.heartbeat);
    this.setConnected(false);
    this.options.logger.warn(
      { err: describeError(error), listener: this.options.applicationName },
      'lost the PostgreSQL notification listener; caches built on it are off until it is back',
    );
    // with a query in flight (an unanswered heartbeat) node-postgres destroys the socket, not waiting on it
    void client.end().catch(() => undefined);
    this.reconnectLater();
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

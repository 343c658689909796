import { type ListenerMeter, type Logger, type ServiceMetrics, describeError } from '@orgpulse/platform';
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
  /** No answer within this (to a heartbeat, or while connecting and LISTENing) is a lost connection. */
  heartbeatTimeoutMs?: number;
  /** Where its state and losses are shown (labelled by `applicationName`). */
  metrics?: ServiceMetrics;
}

type Handler = (payload: string) => void;

/** Closes a connection at once: node-postgres's end() waits for an answer a dead path never gives. */
const drop = (client: Client) => client.connection.stream.destroy();

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
  /** the connection listening now */
  private client: Client | undefined;
  /** a connection on its way, until it listens or fails */
  private connecting: Client | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** moves at each start and stop: a connect or reconnect of an earlier one does nothing */
  private generation = 0;
  private connected = false;
  private stopped = true;
  private readonly meter: ListenerMeter | undefined;

  constructor(private readonly options: PgListenerOptions) {
    this.meter = options.metrics?.listener(options.applicationName, () => this.connected);
  }

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
    await this.stop();
    this.stopped = false;
    await this.connect(this.generation);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation += 1;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    this.setConnected(false);
    const [listening, connecting] = [this.client, this.connecting];
    this.client = undefined;
    this.connecting = undefined;
    if (connecting !== undefined) drop(connecting);
    if (listening !== undefined) await this.end(listening);
  }

  /** Ends a connection, dropped if that is not answered in time. */
  private async end(client: Client): Promise<void> {
    const timer = setTimeout(() => drop(client), this.timeoutMs).unref();
    await client.end().catch(() => undefined);
    clearTimeout(timer);
  }

  private get timeoutMs(): number {
    return this.options.heartbeatTimeoutMs ?? 5_000;
  }

  private async connect(generation: number): Promise<void> {
    const client = new Client({
      connectionString: this.options.databaseUrl,
      application_name: this.options.applicationName,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    this.connecting = client;
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('error', (error) => this.lose(client, error));
    // connecting and LISTENing answer within the timeout, or the attempt fails (its socket destroyed)
    const giveUp = setTimeout(() => drop(client), this.timeoutMs).unref();
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      drop(client);
      throw error;
    } finally {
      clearTimeout(giveUp);
      if (this.connecting === client) this.connecting = undefined;
    }
    if (this.stopped || generation !== this.generation) {
      await this.end(client);
      return;
    }
    this.client = client;
    this.heartbeat = setInterval(this.beatOf(client), this.options.heartbeatMs ?? 10_000).unref();
    this.setConnected(true);
  }

  /** A heartbeat of this connection: one at a time, node-postgres would queue the next behind an unanswered one. */
  private beatOf(client: Client): () => void {
    let beating = false;
    return () => {
      if (beating) return;
      beating = true;
      let answered = false;
      const timeoutMs = this.timeoutMs;
      // the answer may be read but not yet handled after a long task: the check waits for the poll phase
      const timer = setTimeout(
        () =>
          setImmediate(() => {
            if (!answered) this.lose(client, new Error(`no answer to the heartbeat within ${timeoutMs} ms`));
          }),
        timeoutMs,
      ).unref();
      client.query('SELECT 1').then(
        () => {
          answered = true;
          beating = false;
          clearTimeout(timer);
        },
        (error: unknown) => {
          answered = true;
          clearTimeout(timer);
          this.lose(client, error);
        },
      );
    };
  }

  private lose(client: Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearInterval(this.heartbeat);
    this.meter?.lost();
    this.options.logger.warn(
      { err: describeError(error), listener: this.options.applicationName },
      'lost the PostgreSQL notification listener; caches built on it are off until it is back',
    );
    void this.end(client);
    this.reconnectLater(this.generation);
    this.setConnected(false);
  }

  private reconnectLater(generation: number): void {
    if (this.stopped || generation !== this.generation) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      if (this.stopped || generation !== this.generation) return;
      this.connect(generation).catch(() => this.reconnectLater(generation));
    }, this.options.reconnectMs ?? 2_000).unref();
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    for (const handler of this.connectionHandlers)
      try {
        handler(connected);
      } catch (error) {
        this.options.logger.warn(
          { err: describeError(error), listener: this.options.applicationName },
          'a handler of the notification listener failed',
        );
      }
  }
}

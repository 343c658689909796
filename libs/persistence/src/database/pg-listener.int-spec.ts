import { ServiceMetrics, createLogger } from '@orgpulse/platform';
import { TcpProxy, eventually, testEnvironment } from '@orgpulse/testing';
import { Client } from 'pg';
import { NOTIFY_CHANNELS } from './notify-channels';
import { PgListener } from './pg-listener';

describe('PgListener (real PostgreSQL, through a proxy a test can stall)', () => {
  let proxy: TcpProxy;
  let notifier: Client;
  let listener: PgListener | undefined;
  const databaseUrl = testEnvironment().databaseUrl;

  beforeAll(async () => {
    const url = new URL(databaseUrl);
    proxy = await TcpProxy.start(url.hostname, Number(url.port || 5432));
    notifier = new Client({ connectionString: databaseUrl });
    await notifier.connect();
  });
  afterEach(async () => {
    proxy.restore();
    await listener?.stop();
    listener = undefined;
  });
  afterAll(async () => {
    await notifier.end();
    await proxy.close();
  });

  let metrics: ServiceMetrics;
  beforeEach(() => {
    metrics = new ServiceMetrics('test');
  });
  const shown = async () => {
    const text = await metrics.scrape();
    const read = (name: string) =>
      Number(new RegExp(`^${name}\\{listener="orgpulse-test-listener"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    return {
      up: read('orgpulse_notification_listener_up'),
      losses: read('orgpulse_notification_listener_losses_total'),
    };
  };

  const listenWithoutWaiting = (heartbeatTimeoutMs = 1_000) => {
    const url = new URL(databaseUrl);
    url.host = `127.0.0.1:${proxy.port}`;
    const created = new PgListener({
      databaseUrl: url.toString(),
      logger: createLogger('test', 'error'),
      applicationName: 'orgpulse-test-listener',
      reconnectMs: 50,
      heartbeatMs: 200,
      heartbeatTimeoutMs,
      metrics,
    });
    const payloads: string[] = [];
    const changes: boolean[] = [];
    created.on(NOTIFY_CHANNELS.settings, (payload) => payloads.push(payload));
    created.onListening((listening) => changes.push(listening));
    listener = created;
    return { listener: created, payloads, changes, started: created.start() };
  };
  const listen = async () => {
    const { started, ...rest } = listenWithoutWaiting();
    await started;
    return rest;
  };

  it('given a listening connection whose path goes silent (no close, no error), when the heartbeat gets no answer, then it is not listening, gives up each new connection that does not answer, and listens again once the path answers', async () => {
    const { listener, payloads, changes } = await listen();
    expect(listener.listening).toBe(true);
    expect(await shown()).toEqual({ up: 1, losses: 0 });

    const attempts = proxy.stalledConnections;
    proxy.stall();
    await eventually(() => expect(changes).toEqual([true, false]), { timeoutMs: 5_000, intervalMs: 20 });
    // each attempt is given up after the timeout and another made: not one attempt waiting forever
    await eventually(() => expect(proxy.stalledConnections - attempts).toBeGreaterThanOrEqual(2), {
      timeoutMs: 5_000,
    });
    expect(listener.listening).toBe(false);
    // operators see it: down, one loss (the attempts given up are not more losses)
    expect(await shown()).toEqual({ up: 0, losses: 1 });

    proxy.restore();
    await eventually(() => expect(changes).toEqual([true, false, true]), { timeoutMs: 5_000 });
    expect(await shown()).toEqual({ up: 1, losses: 1 });
    await notifier.query(`SELECT pg_notify($1, 'after the stall')`, [NOTIFY_CHANNELS.settings]);
    await eventually(() => expect(payloads).toEqual(['after the stall']), { timeoutMs: 5_000 });
  });

  it('given a start whose connection does not answer, when it is stopped, then the start fails at once (not after its minute of timeout)', async () => {
    const attempts = proxy.stalledConnections;
    proxy.stall();
    const { listener, changes, started } = listenWithoutWaiting(60_000);
    const failed = expect(started).rejects.toThrow();
    await eventually(() => expect(proxy.stalledConnections - attempts).toBe(1), { timeoutMs: 5_000 });
    await listener.stop();
    await failed;
    expect(changes).toEqual([]);
    expect(listener.listening).toBe(false);
  });

  it('given a listening connection whose path went silent, when it is stopped, then the stop ends (the socket destroyed once its goodbye is not answered)', async () => {
    const { listener, changes } = await listen();
    proxy.stall();
    await listener.stop();
    expect(changes).toEqual([true, false]);
    expect(listener.listening).toBe(false);
  });

  it('given a connection that answers, when heartbeats go by, then it stays listening on the same connection', async () => {
    const { listener, changes } = await listen();
    const heartbeats = () => proxy.pgStatementsSince(mark).filter((sql) => sql.trim() === 'SELECT 1').length;
    const mark = proxy.pgStatementMark();
    await eventually(() => expect(heartbeats()).toBeGreaterThanOrEqual(5), { timeoutMs: 5_000 });
    expect(changes).toEqual([true]);
    expect(listener.listening).toBe(true);
  });
});

import { createLogger } from '@orgpulse/platform';
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
    await listener?.stop();
    listener = undefined;
  });
  afterAll(async () => {
    await notifier.end();
    await proxy.close();
  });

  const listen = async () => {
    const url = new URL(databaseUrl);
    url.host = `127.0.0.1:${proxy.port}`;
    const started = new PgListener({
      databaseUrl: url.toString(),
      logger: createLogger('test', 'error'),
      applicationName: 'orgpulse-test-listener',
      reconnectMs: 50,
      heartbeatMs: 100,
      heartbeatTimeoutMs: 300,
    });
    const payloads: string[] = [];
    const changes: boolean[] = [];
    started.on(NOTIFY_CHANNELS.settings, (payload) => payloads.push(payload));
    started.onListening((listening) => changes.push(listening));
    await started.start();
    listener = started;
    return { listener: started, payloads, changes };
  };

  it('given a listening connection whose path goes silent (no close, no error), when the heartbeat gets no answer, then it is not listening, and it listens again on a new connection that gets notifications', async () => {
    const { listener, payloads, changes } = await listen();
    expect(listener.listening).toBe(true);

    proxy.stall();
    await eventually(() => expect(changes.length).toBeGreaterThanOrEqual(3), { timeoutMs: 5_000 });
    expect(changes).toEqual([true, false, true]);
    expect(listener.listening).toBe(true);

    await notifier.query(`SELECT pg_notify($1, 'after the stall')`, [NOTIFY_CHANNELS.settings]);
    await eventually(() => expect(payloads).toEqual(['after the stall']), { timeoutMs: 5_000 });
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

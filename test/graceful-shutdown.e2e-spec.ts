import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { eventually, freePort, runCli, spawnApp, testEnvironment, waitForHealthy } from '@orgpulse/testing';

const events = (count: number) =>
  Buffer.from(
    JSON.stringify(
      Array.from({ length: count }, (_, i) => ({
        id: `shutdown-${i}`,
        type: 'delivery.shipped',
        occurredAt: '2026-11-20T09:00:00Z',
        data: { teamId: `team-${i % 7}` },
      })),
    ),
  );

const readBody = (res: IncomingMessage) =>
  new Promise<{ status: number; body: string }>((resolve) => {
    let text = '';
    res.on('data', (chunk: Buffer) => (text += chunk.toString()));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
  });

describe('graceful shutdown', () => {
  jest.setTimeout(120_000);

  it('ingest finishes a request in flight when SIGTERM arrives, then exits', async () => {
    const { databaseUrl, kafkaBrokers } = testEnvironment();
    const { ingestKey } = JSON.parse((await runCli(['org', 'create', '--name', 'Shutdown'])).stdout) as {
      ingestKey: string;
    };
    const port = await freePort();
    const health = `http://127.0.0.1:${port}/health`;
    const ingest = spawnApp('ingest', {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: kafkaBrokers,
      INGEST_PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitForHealthy(health, ingest);

    const body = events(500);
    let req: ClientRequest | undefined;
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/events',
          headers: {
            Authorization: `Bearer ${ingestKey}`,
            'Content-Type': 'application/json',
            'Content-Length': body.length,
          },
        },
        resolve,
      );
      req.on('error', reject);
    });
    const inFlight = req as unknown as ClientRequest;
    await new Promise<void>((resolve) => inFlight.write(body.subarray(0, body.length / 2), () => resolve()));
    // A later connection being answered means the server has accepted ours and is reading its body.
    expect((await fetch(health)).status).toBe(200);

    ingest.child.kill('SIGTERM');
    await eventually(() => expect(fetch(health)).rejects.toThrow()); // no longer accepting connections
    inFlight.end(body.subarray(body.length / 2));

    expect(await readBody(await response)).toEqual({ status: 202, body: JSON.stringify({ accepted: 500 }) });
    const exit = await ingest.exited;
    expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);
  });
});

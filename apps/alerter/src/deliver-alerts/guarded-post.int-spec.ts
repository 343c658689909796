import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo, type Socket, createServer as createTcpServer } from 'node:net';
import { type LookupAll, WebhookTargetPolicy, parseCidrList } from '@orgpulse/domain';
import { eventually } from '@orgpulse/testing';
import { PostFailed, guardedPost } from './guarded-post';

interface Receiver {
  url: string;
  port: number;
  connections: number;
  requests: { host: string | undefined; body: string }[];
  close(): Promise<void>;
}

async function receiver(
  answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(200).end(),
  host = '127.0.0.1',
): Promise<Receiver> {
  const sockets = new Set<Socket>();
  const state = { connections: 0, requests: [] as Receiver['requests'] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      state.requests.push({ host: req.headers.host, body });
      answer(req, res);
    });
  });
  server.on('connection', (socket) => {
    state.connections += 1;
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/hook`,
    port,
    get connections() {
      return state.connections;
    },
    requests: state.requests,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const loopbackOnly = new WebhookTargetPolicy(parseCidrList('127.0.0.1/32'));
const strict = new WebhookTargetPolicy();
const post = (
  url: string,
  policy: WebhookTargetPolicy,
  extra: { lookup?: LookupAll; timeoutMs?: number } = {},
) =>
  guardedPost(
    url,
    '{"hello":1}',
    { 'Content-Type': 'application/json' },
    {
      policy,
      timeoutMs: extra.timeoutMs ?? 5_000,
      lookup: extra.lookup,
    },
  );
const failure = async (work: Promise<unknown>): Promise<PostFailed> => {
  try {
    await work;
  } catch (error) {
    if (error instanceof PostFailed) return error;
    throw error;
  }
  throw new Error('expected the post to fail');
};

describe('guardedPost: webhook requests that cannot reach what they must not', () => {
  const opened: Receiver[] = [];
  const open = async (...args: Parameters<typeof receiver>) => {
    const r = await receiver(...args);
    opened.push(r);
    return r;
  };
  afterAll(() => Promise.all(opened.map((r) => r.close())));

  it('posts to an allowed receiver and resolves with its status', async () => {
    const target = await open();
    expect(await post(target.url, loopbackOnly)).toBe(200);
    expect(target.requests).toEqual([{ host: `127.0.0.1:${target.port}`, body: '{"hello":1}' }]);
  });

  it('refuses a private address without connecting to it', async () => {
    const target = await open();
    const refused = await failure(post(target.url, strict));
    expect(refused.message).toBe('refused: 127.0.0.1 is a loopback address');
    expect(target.connections).toBe(0);
  });

  it('refuses a name that resolves to a private address, and a receiver beyond the allow-list', async () => {
    const target = await open();
    const lookup: LookupAll = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    expect((await failure(post(`http://hooks.test:${target.port}/`, strict, { lookup }))).message).toBe(
      'refused: hooks.test resolves to 127.0.0.1, a loopback address',
    );
    const elsewhere = await open(undefined, '127.0.0.2');
    expect((await failure(post(elsewhere.url, loopbackOnly))).message).toBe(
      'refused: 127.0.0.2 is a loopback address',
    );
    expect(target.connections + elsewhere.connections).toBe(0);
  });

  it('connects to the address it checked, once looked up, keeping the name in Host', async () => {
    const target = await open();
    let lookups = 0;
    const lookup: LookupAll = () => {
      lookups += 1;
      // a rebinding resolver: a checked answer first, a private one after
      return Promise.resolve([{ address: lookups === 1 ? '127.0.0.1' : '10.0.0.1', family: 4 }]);
    };
    expect(await post(`http://hooks.test:${target.port}/x?y=1`, loopbackOnly, { lookup })).toBe(200);
    expect(lookups).toBe(1);
    expect(target.requests[0].host).toBe(`hooks.test:${target.port}`);
  });

  it('does not follow a redirect, even to an address it may reach', async () => {
    const inside = await open();
    const redirecting = await open((_req, res) =>
      res.writeHead(307, { Location: `http://127.0.0.1:${inside.port}/` }).end(),
    );
    const refused = await failure(post(redirecting.url, loopbackOnly));
    expect(refused).toMatchObject({
      status: 307,
      message: 'receiver answered 307; redirects are not followed',
    });
    expect(inside.connections).toBe(0);
  });

  it('gives up on a receiver that accepts the connection and never answers, at the deadline', async () => {
    const held: Socket[] = [];
    const blackhole = createTcpServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const { port } = blackhole.address() as AddressInfo;
    try {
      const refused = await failure(post(`http://127.0.0.1:${port}/`, loopbackOnly, { timeoutMs: 300 }));
      expect(refused).toMatchObject({ status: null, message: 'no answer within 300 ms' });
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    }
  });

  it('is cut short when the alerter stops, without waiting for the deadline', async () => {
    const held: Socket[] = [];
    const blackhole = createTcpServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const { port } = blackhole.address() as AddressInfo;
    const stop = new AbortController();
    try {
      const pending = failure(
        guardedPost(
          `http://127.0.0.1:${port}/`,
          '{}',
          {},
          { policy: loopbackOnly, timeoutMs: 60_000, stop: stop.signal },
        ),
      );
      await eventually(() => expect(held).toHaveLength(1));
      stop.abort();
      expect(await pending).toMatchObject({ status: null, message: 'the alerter stopped before an answer' });
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    }
  });

  it('reads the status and stops: an endless body costs nothing', async () => {
    const endless = await open((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (res.write(chunk));
        res.once('drain', pump);
      };
      pump();
    });
    expect(await post(endless.url, loopbackOnly, { timeoutMs: 2_000 })).toBe(200);
  });

  it('reports what a receiver answered when it is not a success', async () => {
    const failing = await open((_req, res) => res.writeHead(503).end());
    expect(await failure(post(failing.url, loopbackOnly))).toMatchObject({
      status: 503,
      message: 'receiver answered 503',
    });
  });
});

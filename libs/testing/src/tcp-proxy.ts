import { type Server, type Socket, connect, createServer } from 'node:net';

/**
 * Counts the statements a PostgreSQL client sends: simple queries ('Q') and extended-protocol
 * executes ('E'), read off the wire, so a test can see how many statements a request costs.
 */
export class PgStatementCounter {
  count = 0;
  /** Each counted statement's SQL, in order: what a test shows when a count is not the one it expects. */
  readonly texts: string[] = [];
  private buffer = Buffer.alloc(0);
  private started = false;
  private readonly prepared = new Map<string, string>();
  private readonly portals = new Map<string, string>();

  feed(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (!this.started) {
        // The startup packet (or an SSL request before it) has a length but no type byte.
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        this.started = this.buffer.readInt32BE(4) !== 80_877_103;
        this.buffer = this.buffer.subarray(length);
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + length) return;
      this.read(String.fromCharCode(this.buffer[0]), this.buffer.subarray(5, 1 + length));
      this.buffer = this.buffer.subarray(1 + length);
    }
  }

  private read(type: string, body: Buffer): void {
    const [first, second] = cStrings(body, 2);
    if (type === 'P') this.prepared.set(first, second);
    else if (type === 'B') this.portals.set(first, this.prepared.get(second) ?? '?');
    else if (type === 'Q' || type === 'E') {
      this.count += 1;
      this.texts.push(type === 'Q' ? first : (this.portals.get(first) ?? '?'));
    }
  }
}

function cStrings(body: Buffer, count: number): string[] {
  const strings: string[] = [];
  let start = 0;
  while (strings.length < count && start <= body.length) {
    const end = body.indexOf(0, start);
    if (end < 0) break;
    strings.push(body.toString('utf8', start, end));
    start = end + 1;
  }
  while (strings.length < count) strings.push('');
  return strings;
}

/** A loopback TCP proxy a test can cut, to make a dependency unreachable and bring it back. */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly pairs = new Set<[Socket, Socket]>();
  private open = true;
  private silent = false;
  /** connections taken while stalled, relayed nowhere */
  stalledConnections = 0;
  private readonly counters: PgStatementCounter[] = [];

  /** Statements sent through the proxy so far, when it relays PostgreSQL. */
  get pgStatements(): number {
    return this.counters.reduce((sum, c) => sum + c.count, 0);
  }

  /** Every statement's SQL, per connection in the order sent; marks from `pgStatementMark()` slice it. */
  pgStatementMark(): number[] {
    return this.counters.map((c) => c.texts.length);
  }

  pgStatementsSince(mark: readonly number[]): string[] {
    return this.counters.flatMap((c, i) => c.texts.slice(mark[i] ?? 0));
  }

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy did not bind');
    const proxy = new TcpProxy(server, address.port);
    server.on('connection', (client) => proxy.relay(client, targetHost, targetPort));
    return proxy;
  }

  /** Drops every connection and refuses new ones until `restore()`. */
  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.open = true;
    this.silent = false;
  }

  /**
   * The connections open now go silent, as over a path that died without a close: nothing is relayed
   * either way and nothing is closed. New connections are taken and go nowhere, until `restore()`.
   */
  stall(): void {
    this.silent = true;
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, host: string, port: number): void {
    if (!this.open) {
      client.destroy();
      return;
    }
    if (this.silent) {
      this.stalledConnections += 1;
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => undefined);
      client.pause();
      return;
    }
    const upstream = connect(port, host);
    for (const socket of [client, upstream]) {
      // relay each chunk as it comes: with Nagle's algorithm a small write waits for the peer's delayed ACK
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    const counter = new PgStatementCounter();
    this.counters.push(counter);
    client.on('data', (chunk: Buffer) => counter.feed(chunk));
    client.pipe(upstream).pipe(client);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    client.on('close', () => {
      this.pairs.delete(pair);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
  }
}

import { type Server, type Socket, connect, createServer } from 'node:net';

/**
 * Counts the statements a PostgreSQL client sends: simple queries ('Q') and extended-protocol
 * executes ('E'), read off the wire, so a test can see how many statements a request costs.
 */
export class PgStatementCounter {
  count = 0;
  private buffer = Buffer.alloc(0);
  private started = false;

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
      const type = String.fromCharCode(this.buffer[0]);
      if (type === 'Q' || type === 'E') this.count += 1;
      this.buffer = this.buffer.subarray(1 + length);
    }
  }
}

/** A loopback TCP proxy a test can cut, to make a dependency unreachable and bring it back. */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private open = true;
  private readonly counters: PgStatementCounter[] = [];

  /** Statements sent through the proxy so far, when it relays PostgreSQL. */
  get pgStatements(): number {
    return this.counters.reduce((sum, c) => sum + c.count, 0);
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
    const upstream = connect(port, host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    const counter = new PgStatementCounter();
    this.counters.push(counter);
    client.on('data', (chunk: Buffer) => counter.feed(chunk));
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}

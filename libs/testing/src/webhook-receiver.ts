import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';

export interface ReceivedWebhook {
  body: string;
  signature: string | undefined;
  headers: IncomingHttpHeaders;
  answeredWith: number;
}

/** A webhook endpoint of the test's own, which can refuse its first deliveries. */
export class WebhookReceiver {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly received: ReceivedWebhook[],
  ) {}

  static async start(failFirst = 0): Promise<WebhookReceiver> {
    const received: ReceivedWebhook[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const answeredWith = received.length < failFirst ? 500 : 200;
        const signature = req.headers['x-orgpulse-signature'];
        received.push({
          body,
          signature: typeof signature === 'string' ? signature : undefined,
          headers: req.headers,
          answeredWith,
        });
        res.writeHead(answeredWith).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('receiver did not bind');
    return new WebhookReceiver(server, `http://127.0.0.1:${address.port}/hook`, received);
  }

  accepted(): ReceivedWebhook[] {
    return this.received.filter((r) => r.answeredWith === 200);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

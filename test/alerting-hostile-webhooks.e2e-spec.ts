import { readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo, type Socket, createServer as createTcpServer } from 'node:net';
import { hostname } from 'node:os';
import { type AlertChanged, type AlertCloudEvent } from '@orgpulse/contracts';
import { addressKind, parseIp } from '@orgpulse/domain';
import {
  type SpawnedProcess,
  TestDatabase,
  eventually,
  freePort,
  graphql,
  postEvents,
  runCli,
  spawnApp,
  testEnvironment,
  waitForHealthy,
  freePorts,
} from '@orgpulse/testing';

const SECRET = 'a-webhook-secret-of-the-test';
// Webhooks may reach 127.0.0.1 only (the test's receivers); the rest of loopback stays private.
const ALLOW = '127.0.0.1/32';

interface Org {
  orgId: string;
  ingestKey: string;
  apiToken: string;
}

/** An HTTP endpoint of the test's own that records what reaches it. */
class Endpoint {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly requests: { body: string }[],
    private readonly sockets: Set<Socket>,
  ) {}

  static async start(
    host: string,
    answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(200).end(),
  ): Promise<Endpoint> {
    const requests: { body: string }[] = [];
    const sockets = new Set<Socket>();
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        requests.push({ body });
        answer(req, res);
      });
    });
    server.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as AddressInfo;
    return new Endpoint(server, `http://${host}:${port}/hook`, requests, sockets);
  }

  /** connections ever accepted */
  get connections(): number {
    return this.sockets.size;
  }

  changes(): AlertChanged[] {
    return this.requests.map((r) => (JSON.parse(r.body) as AlertCloudEvent).data);
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Accepts connections and never answers them: a receiver that blackholes its deliveries. */
class Blackhole {
  private constructor(
    private readonly server: ReturnType<typeof createTcpServer>,
    readonly url: string,
    readonly held: Socket[],
  ) {}

  static async start(): Promise<Blackhole> {
    const held: Socket[] = [];
    const server = createTcpServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new Blackhole(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, held);
  }

  close(): Promise<void> {
    for (const socket of this.held) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A name of this machine's /etc/hosts (or its hostname) that resolves to a non-public address. */
function privateNameFromHosts(): string {
  const names = readFileSync('/etc/hosts', 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim().split(/\s+/))
    .filter(
      ([address, ...rest]) =>
        rest.length > 0 && parseIp(address) && addressKind(parseIp(address) ?? []) !== 'global',
    )
    .flatMap(([, ...rest]) => rest)
    .filter((name) => !/(^|\.)localhost\.?$/i.test(name) && !name.includes(':'));
  return names[0] ?? hostname();
}

describe('hostile webhooks: no tenant reaches the internal network or delays another org’s alerts', () => {
  jest.setTimeout(300_000);
  const { kafkaBrokers } = testEnvironment();
  let db: TestDatabase;
  const apps: SpawnedProcess[] = [];
  let ingestUrl: string;
  let strictApiUrl: string;
  let localApiUrl: string;
  let alerterUrl: string;
  let orgA: Org;
  let orgB: Org;
  const closers: (() => Promise<void>)[] = [];

  const gql = (apiUrl: string, org: Org, query: string) => graphql(`${apiUrl}/graphql`, org.apiToken, query);
  const register = (apiUrl: string, org: Org, url: string) =>
    gql(apiUrl, org, `mutation { registerWebhook(url: ${JSON.stringify(url)}, secret: "${SECRET}") { id } }`);
  const newOrg = async (name: string): Promise<Org> =>
    JSON.parse((await runCli(['org', 'create', '--name', name], { DATABASE_URL: db.url })).stdout) as Org;
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
  const blockTeams = async (org: Org, teams: string[]) => {
    const at = hoursAgo(72);
    const events = teams.flatMap((teamId) => [
      {
        id: `reg-${teamId}`,
        type: 'team.registered',
        occurredAt: at,
        data: { teamId, name: teamId, headcount: 5 },
      },
      { id: `blk-${teamId}`, type: 'team.blocked', occurredAt: at, data: { teamId, reason: 'dependency' } },
    ]);
    expect((await postEvents(ingestUrl, events, { key: org.ingestKey })).status).toBe(202);
  };
  type Delivery = { status: string; attempts: number; lastStatus: number | null; lastError: string | null };
  const deliveriesOf = async (org: Org, url: string): Promise<Delivery[]> => {
    const answer = await gql(
      localApiUrl,
      org,
      '{ webhooks { url deliveries { status attempts lastStatus lastError } } }',
    );
    const hooks = (answer.data as { webhooks: { url: string; deliveries: Delivery[] }[] }).webhooks;
    return hooks.find((w) => w.url === url)?.deliveries ?? [];
  };

  beforeAll(async () => {
    db = await TestDatabase.create('hostile');
    const ports = { ingest: await freePort(), projector: await freePort(), strict: await freePort() };
    const [localPort, alerterPort] = await freePorts(2);
    const common = { DATABASE_URL: db.url, KAFKA_BROKERS: kafkaBrokers, HOST: '127.0.0.1' };
    ingestUrl = `http://127.0.0.1:${ports.ingest}`;
    strictApiUrl = `http://127.0.0.1:${ports.strict}`;
    localApiUrl = `http://127.0.0.1:${localPort}`;
    alerterUrl = `http://127.0.0.1:${alerterPort}`;
    apps.push(
      spawnApp('ingest', { ...common, INGEST_PORT: String(ports.ingest) }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(ports.projector),
        PROJECTOR_GROUP_ID: `hostile-${ports.projector}`,
      }),
      // as installed: no allow-list
      spawnApp('api', { ...common, API_PORT: String(ports.strict) }),
      spawnApp('api', { ...common, API_PORT: String(localPort), ALERTER_WEBHOOK_ALLOW_CIDRS: ALLOW }),
      spawnApp('alerter', {
        ...common,
        ALERTER_PORT: String(alerterPort),
        ALERTER_INTERVAL_MS: '2000',
        ALERTER_RETRY_BASE_MS: '1000',
        // a receiver that never answers holds a send this long: far past the 60 s promise, were it in the way
        ALERTER_WEBHOOK_TIMEOUT_MS: '90000',
        ALERTER_WEBHOOK_ALLOW_CIDRS: ALLOW,
      }),
    );
    const urls = [ingestUrl, `http://127.0.0.1:${ports.projector}`, strictApiUrl, localApiUrl, alerterUrl];
    for (const [i, url] of urls.entries()) await waitForHealthy(`${url}/health`, apps[i]);
    orgA = await newOrg('Hostile A');
    orgB = await newOrg('Victim B');
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    for (const close of closers) await close();
    await db.drop();
  });

  it('registerWebhook refuses private, loopback, link-local and unspecified targets, by address or by name', async () => {
    const name = privateNameFromHosts();
    const refused: [string, string][] = [
      ['http://127.0.0.1:5432/', '127.0.0.1 is a loopback address'],
      ['http://127.0.0.1:9092/', '127.0.0.1 is a loopback address'],
      ['http://localhost:3000/', 'localhost is a loopback name'],
      ['http://localhost.:3000/', 'localhost. is a loopback name'],
      ['http://[::1]:8080/', '::1 is a loopback address'],
      ['http://[::ffff:127.0.0.1]:5432/', '::ffff:7f00:1 is a loopback address'],
      ['http://10.1.2.3/', '10.1.2.3 is a private address'],
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
      ['http://0.0.0.0:3000/', '0.0.0.0 is an unspecified address'],
      ['http://2130706433:5432/', '127.0.0.1 is a loopback address'],
      [`http://${name}:5432/`, `${name} resolves to`],
    ];
    for (const [url, reason] of refused) {
      const answer = await register(strictApiUrl, orgA, url);
      expect({ url, errors: answer.errors }).toEqual({
        url,
        errors: [
          expect.objectContaining({
            message: expect.stringContaining(`url is not reachable from orgpulse: ${reason}`),
            extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
          }),
        ],
      });
    }
    const none = await gql(strictApiUrl, orgA, '{ webhooks { url } }');
    expect(none.data).toEqual({ webhooks: [] });
  });

  it('with the operator allow-list, a local receiver registers; an org has at most 10 webhooks', async () => {
    const orgC = await newOrg('Many hooks');
    for (let i = 0; i < 10; i += 1)
      expect((await register(localApiUrl, orgC, `http://127.0.0.1:9/hook-${i}`)).errors).toBeUndefined();
    const eleventh = await register(localApiUrl, orgC, 'http://127.0.0.1:9/hook-10');
    expect(eleventh.errors?.[0].message).toBe('an org may have at most 10 webhooks; delete one first');
    expect((await register(localApiUrl, orgC, 'http://127.0.0.2:9/')).errors?.[0].message).toBe(
      'url is not reachable from orgpulse: 127.0.0.2 is a loopback address',
    );
  });

  it('org A’s blackholed webhooks do not delay org B’s TEAM_IDLE past 60 s; redirects and private targets are not reached', async () => {
    // Org A: three webhooks that accept the connection and never answer, and five idle teams.
    const holes = await Promise.all([Blackhole.start(), Blackhole.start(), Blackhole.start()]);
    closers.push(...holes.map((h) => () => h.close()));
    for (const hole of holes) expect((await register(localApiUrl, orgA, hole.url)).errors).toBeUndefined();
    await blockTeams(orgA, ['a1', 'a2', 'a3', 'a4', 'a5']);
    await eventually(() => expect(holes.every((h) => h.held.length >= 2)).toBe(true), { timeoutMs: 60_000 });

    // Org B: a good receiver; one that redirects to a private address a followed redirect would reach;
    // and one registered before the rules (inserted as is) on a private address the alerter now refuses.
    const good = await Endpoint.start('127.0.0.1');
    const inside = await Endpoint.start('127.0.0.2');
    const redirecting = await Endpoint.start('127.0.0.1', (_req, res) =>
      res.writeHead(307, { Location: inside.url }).end(),
    );
    const stale = await Endpoint.start('127.0.0.3');
    closers.push(
      () => good.close(),
      () => inside.close(),
      () => redirecting.close(),
      () => stale.close(),
    );
    for (const url of [good.url, redirecting.url])
      expect((await register(localApiUrl, orgB, url)).errors).toBeUndefined();
    await db.query(
      `INSERT INTO webhooks (id, org_id, url, secret, format) VALUES (gen_random_uuid(), $1, $2, $3, 'json')`,
      [orgB.orgId, stale.url, SECRET],
    );

    const conditionHolds = Date.now(); // blocked 72 h ago: idle (≥ 48 h) from the moment it is posted
    await blockTeams(orgB, ['b1']);
    const raised = await eventually(
      () => {
        const change = good.changes().find((c) => c.alert.rule === 'TEAM_IDLE' && c.alert.subjectId === 'b1');
        expect(change).toBeDefined();
        return change;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(Date.now() - conditionHolds).toBeLessThan(60_000);
    expect(raised).toMatchObject({ type: 'alert.raised', alert: { orgId: orgB.orgId } });
    expect(holes.every((h) => h.held.length <= 2)).toBe(true); // two sends in flight per webhook, no more

    // The redirect is answered, recorded, retried, and never followed.
    await eventually(
      async () => {
        const [delivery] = await deliveriesOf(orgB, redirecting.url);
        expect(delivery).toMatchObject({ status: 'pending', lastStatus: 307 });
        expect(delivery.attempts).toBeGreaterThanOrEqual(2);
        expect(delivery.lastError).toContain('redirects are not followed');
      },
      { timeoutMs: 60_000 },
    );
    expect(inside.connections).toBe(0);

    // The stale webhook's address is checked at delivery, refused, and never connected to.
    await eventually(
      async () => {
        const [delivery] = await deliveriesOf(orgB, stale.url);
        expect(delivery).toMatchObject({
          status: 'pending',
          lastStatus: null,
          lastError: 'refused: 127.0.0.3 is a loopback address',
        });
      },
      { timeoutMs: 60_000 },
    );
    expect(stale.connections).toBe(0);

    // What org A's receivers owe shows on /metrics as the oldest undelivered delivery.
    await eventually(async () => {
      const metrics = await (await fetch(`${alerterUrl}/metrics`)).text();
      const oldest = /orgpulse_alerter_oldest_undelivered_seconds\{channel="webhook"\} ([\d.e+-]+)/.exec(
        metrics,
      );
      expect(Number(oldest?.[1])).toBeGreaterThan(0);
    });
  });
});

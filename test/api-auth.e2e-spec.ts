import { join } from 'node:path';
import {
  type SpawnedProcess,
  TestDatabase,
  eventually,
  freePort,
  graphql,
  repoRoot,
  runCli,
  spawnApp,
  spawnNode,
  TcpProxy,
  testEnvironment,
  waitForHealthy,
} from '@orgpulse/testing';
import { type Client, createClient } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';

interface RootField {
  operation: 'query' | 'mutation' | 'subscription';
  field: string;
  roles?: string[];
  groupScoped?: string;
}

describe('every query, mutation and subscription of the built schema declares who may call it and what a group-scoped token gets', () => {
  it('lists every root field with its roles; mutations are for admins only (contract §1)', async () => {
    const report = spawnNode(
      join(repoRoot, 'dist', 'apps', 'api', 'src', 'auth', 'schema-access.main.js'),
      [],
      {
        PATH: process.env.PATH,
      },
    );
    expect((await report.exited).code).toBe(0);
    const fields = JSON.parse(report.stdout) as RootField[];
    const mutations = fields.filter((f) => f.operation === 'mutation');
    expect(mutations.map((m) => m.field)).toContain('updateSettings');
    expect(mutations.filter((m) => !m.roles?.length).map((m) => m.field)).toEqual([]);
    expect(mutations.filter((m) => m.roles?.includes('viewer')).map((m) => m.field)).toEqual([]);
    expect(fields.filter((f) => !f.roles?.length).map((f) => `${f.operation} ${f.field}`)).toEqual([]);
    expect(fields.find((f) => f.field === 'alertChanged')?.roles).toEqual(['viewer', 'admin']);
    // what a group-scoped viewer gets is declared for every field a viewer may call (docs/graphql/access.v1.md)
    expect(
      fields.filter((f) => f.roles?.includes('viewer') && f.groupScoped === undefined).map((f) => f.field),
    ).toEqual([]);
  });
});

describe('API tokens: one parser, roles enforced, revocation closes subscriptions', () => {
  jest.setTimeout(180_000);
  let db: TestDatabase;
  let api: SpawnedProcess;
  let base: string;
  let org: { orgId: string; apiToken: string };
  const clients: Client[] = [];

  const viewerToken = async () =>
    (
      JSON.parse(
        (await runCli(['token', 'create', '--org', org.orgId, '--role', 'viewer'], { DATABASE_URL: db.url }))
          .stdout,
      ) as { apiToken: string }
    ).apiToken;

  /** A graphql-ws connection subscribed to alertChanged, and the close codes it has seen. */
  const subscribed = async (token: string) => {
    const closes: number[] = [];
    const errors: unknown[] = [];
    const client = createClient({
      url: `${base.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      on: { closed: (event) => closes.push((event as { code: number }).code) },
    });
    clients.push(client);
    const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
    client.subscribe(
      { query: 'subscription { alertChanged { id status } }' },
      { next: () => undefined, error: (error) => errors.push(error), complete: () => undefined },
    );
    await Promise.race([
      connected,
      eventually(() => expect(closes.length).toBeGreaterThan(0), { timeoutMs: 10_000 }),
    ]);
    return { client, closes, errors };
  };

  beforeAll(async () => {
    const { kafkaBrokers } = testEnvironment();
    db = await TestDatabase.create('apiauth');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = spawnApp('api', {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafkaBrokers,
      API_PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitForHealthy(`${base}/health`, api);
    org = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Auth'], { DATABASE_URL: db.url })).stdout,
    ) as typeof org;
  });

  afterAll(async () => {
    for (const client of clients) void client.dispose();
    await api?.stop();
    await db?.drop();
  });

  it('reads the bearer token one way, and refuses anything else with a coded 401', async () => {
    const url = `${base}/graphql`;
    const ask = (authorization: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', authorization },
        body: JSON.stringify({ query: '{ settings { discoveryTarget } }' }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as object }));
    expect((await ask(`bearer   ${org.apiToken}  `)).status).toBe(200);
    for (const header of [
      '',
      `Basic ${org.apiToken}`,
      `Bearer ${org.apiToken} extra`,
      'Bearer opt_unknown',
    ]) {
      const answer = await ask(header);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({
        errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }],
      });
    }
  });

  it('refuses what a page of another origin could send without a preflight (CSRF), even an answer held in the cache', async () => {
    const url = `${base}/graphql`;
    const auth = { authorization: `Bearer ${org.apiToken}` };
    const query = '{ teams { id } }';
    // the answer is in the cache
    expect((await graphql(url, org.apiToken, query)).data).toEqual({ teams: [] });
    expect((await graphql(url, org.apiToken, query)).data).toEqual({ teams: [] });
    const simple = [
      fetch(`${url}?query=${encodeURIComponent(query)}`, { headers: auth }),
      fetch(url, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `query=${encodeURIComponent(query)}`,
      }),
      fetch(url, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'text/plain' },
        body: JSON.stringify({ query }),
      }),
    ];
    for (const response of await Promise.all(simple)) {
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
    }
    // with a header no form can set, a GET is a query like any other
    const preflighted = await fetch(`${url}?query=${encodeURIComponent(query)}`, {
      headers: { ...auth, 'apollo-require-preflight': 'true' },
    });
    expect(await preflighted.json()).toEqual({ data: { teams: [] } });
  });

  it('a viewer may query and subscribe but call no mutation', async () => {
    const viewer = await viewerToken();
    const url = `${base}/graphql`;
    expect((await graphql(url, viewer, '{ teams { id } alerts { id } }')).data).toEqual({
      teams: [],
      alerts: [],
    });
    for (const mutation of [
      'mutation { updateSettings(input: { discoveryTarget: 2 }) { discoveryTarget } }',
      'mutation { registerWebhook(url: "https://example.org/hook", secret: "0123456789abcdef") { id } }',
      'mutation { deleteWebhook(id: "00000000-0000-0000-0000-000000000000") }',
    ]) {
      const refused = await graphql(url, viewer, mutation);
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    }
    const { closes } = await subscribed(viewer);
    expect(closes).toEqual([]);
  });

  it("`token revoke` closes that token's open subscriptions within 5 s, and only those", async () => {
    const viewer = await viewerToken();
    const revoked = await subscribed(viewer);
    const other = await subscribed(org.apiToken);
    expect([revoked.closes, other.closes]).toEqual([[], []]);

    const revoke = await runCli(['token', 'revoke', viewer], { DATABASE_URL: db.url });
    expect(revoke.code).toBe(0);
    await eventually(() => expect(revoked.closes).toEqual([4403]), { timeoutMs: 5_000, intervalMs: 50 });

    expect(other.closes).toEqual([]);
    expect((await graphql(`${base}/graphql`, viewer, '{ teams { id } }')).status).toBe(401);
    const again = await subscribed(viewer);
    expect(again.closes).toEqual([4403]);
  });
});

describe('API tokens are served from memory: no SQL per request, a revocation refuses the token at once', () => {
  jest.setTimeout(120_000);
  let db: TestDatabase;
  let proxy: TcpProxy;
  let api: SpawnedProcess;
  let url: string;
  let orgId: string;

  const token = async () =>
    (
      JSON.parse(
        (await runCli(['token', 'create', '--org', orgId, '--role', 'viewer'], { DATABASE_URL: db.url }))
          .stdout,
      ) as { apiToken: string }
    ).apiToken;
  /** SQL statements the API sends for these requests (one query that reads no read model). */
  const statementsFor = async (apiToken: string, requests: number) => {
    const before = proxy.pgStatementMark();
    for (let i = 0; i < requests; i++)
      expect(await graphql(`${url}/graphql`, apiToken, '{ __typename }')).toMatchObject({ status: 200 });
    // the health probe's SELECT 1 runs on a timer of its own
    return proxy.pgStatementsSince(before).filter((sql) => sql !== 'SELECT 1').length;
  };

  beforeAll(async () => {
    const { kafkaBrokers } = testEnvironment();
    db = await TestDatabase.create('apitokens');
    const target = new URL(db.url);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
    const proxied = new URL(db.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    api = spawnApp('api', {
      DATABASE_URL: proxied.toString(),
      KAFKA_BROKERS: kafkaBrokers,
      API_PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitForHealthy(`${url}/health`, api);
    orgId = (
      JSON.parse((await runCli(['org', 'create', '--name', 'Tokens'], { DATABASE_URL: db.url })).stdout) as {
        orgId: string;
      }
    ).orgId;
  });

  afterAll(async () => {
    await api?.stop();
    await proxy?.close();
    await db?.drop();
  });

  it('looks a token up once, then answers from memory; `token revoke` refuses it as its NOTIFY arrives', async () => {
    const viewer = await token();
    expect(await statementsFor(viewer, 1)).toBe(1);
    expect(await statementsFor(viewer, 20)).toBe(0);

    expect((await runCli(['token', 'revoke', viewer], { DATABASE_URL: db.url })).code).toBe(0);
    await eventually(
      async () => expect((await graphql(`${url}/graphql`, viewer, '{ __typename }')).status).toBe(401),
      { timeoutMs: 1_000, intervalMs: 5 },
    );
    // never served again, from memory or otherwise
    for (let i = 0; i < 5; i++)
      expect((await graphql(`${url}/graphql`, viewer, '{ __typename }')).status).toBe(401);
  });

  it('while its listener is down, the API looks every token up in PostgreSQL (a revocation could go unseen)', async () => {
    const viewer = await token();
    await statementsFor(viewer, 1);
    const admin = new PgClient({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'orgpulse-api-listener'`,
      );
      // every request looks its token up
      await eventually(async () => expect(await statementsFor(viewer, 3)).toBe(3), { timeoutMs: 5_000 });
      // back within its reconnect delay: served from memory again
      await eventually(async () => expect(await statementsFor(viewer, 3)).toBeLessThanOrEqual(1), {
        timeoutMs: 10_000,
        intervalMs: 200,
      });
    } finally {
      await admin.end();
    }
  });
});

describe("the API's field resolvers, as the API calls them", () => {
  it('calls every field resolver directly, each parameter from what its decorator names', async () => {
    const report = spawnNode(
      join(repoRoot, 'dist', 'apps', 'api', 'src', 'graphql', 'direct-fields', 'field-resolvers.main.js'),
      [],
      { PATH: process.env.PATH },
    );
    expect((await report.exited).code).toBe(0);
    const { direct, kept, params, plainLeaves, wrappedLeaves } = JSON.parse(report.stdout) as {
      direct: string[];
      kept: string[];
      params: Record<string, unknown[]>;
      plainLeaves: string[];
      wrappedLeaves: string[];
    };
    // the execution limits wrap no leaf that only reads its object's property: only resolvers and
    // the root types' fields (and subscriptions', run as they are)
    expect(plainLeaves).toEqual(
      expect.arrayContaining(['WeekPoint.interviews', 'Person.name', 'Manager.id']),
    );
    expect(
      wrappedLeaves.filter((c) => !direct.includes(c) && !/^(Query|Mutation|Subscription)\./.test(c)),
    ).toEqual([]);
    expect(kept).toEqual([]);
    expect(direct).toEqual(
      expect.arrayContaining(['Manager.directReports', 'Team.weeklyTrend', 'Person.reports']),
    );
    expect(direct).toHaveLength(Object.keys(params).length);
    expect(params['Manager.directReports']).toEqual([
      { from: 'parent' },
      { from: 'context' },
      { from: 'args', name: 'asOf' },
    ]);
    // the API serving: every one of them replaced in the schema it serves
    const db = await TestDatabase.create('apifields');
    const port = await freePort();
    const served = spawnApp('api', {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: testEnvironment().kafkaBrokers,
      API_PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    try {
      await waitForHealthy(`http://127.0.0.1:${port}/health`, served);
      const line = served.stdout
        .split('\n')
        .find((l) => l.includes('GraphQL field resolvers called directly'));
      expect(JSON.parse(line ?? '{}')).toMatchObject({ direct: direct.length, kept: [] });
    } finally {
      await served.stop();
      await db.drop();
    }
    expect(params['Manager.coaching']).toEqual([
      { from: 'parent' },
      { from: 'context' },
      { from: 'args', name: 'asOf' },
      { from: 'args', name: 'window' },
    ]);
  });
});

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
  testEnvironment,
  waitForHealthy,
} from '@orgpulse/testing';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

interface RootField {
  operation: 'query' | 'mutation' | 'subscription';
  field: string;
  roles?: string[];
}

describe('every query, mutation and subscription of the built schema declares who may call it', () => {
  it('lists every root field with its roles; mutations are for admins only (contract §1)', async () => {
    const report = spawnNode(
      join(repoRoot, 'dist', 'apps', 'api', 'src', 'auth', 'schema-roles.main.js'),
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

import {
  type SpawnedProcess,
  TestDatabase,
  eventually,
  freePort,
  runCli,
  spawnApp,
  storeHistory,
  testEnvironment,
  waitForHealthy,
} from '@orgpulse/testing';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { once } from 'node:events';
import { connect } from 'node:net';

const TEN_YEARS = { from: '2016-01-04T00:00:00Z', to: '2026-01-05T00:00:00Z' };
const TEAMS = 1_000;

interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** Each fragment spreads the next one twice: 2^(n-1) paths through them. */
const fragmentChain = (n: number, type = 'Team', leaf = 'name') =>
  Array.from({ length: n }, (_, i) =>
    i === n - 1
      ? `fragment F${i} on ${type} { ${leaf} }`
      : `fragment F${i} on ${type} { ...F${i + 1} ...F${i + 1} }`,
  ).join(' ');

describe('hostile GraphQL requests from a viewer token: refused with a coded error, /health answering meanwhile', () => {
  jest.setTimeout(180_000);
  const { kafkaBrokers } = testEnvironment();
  let db: TestDatabase;
  let api: SpawnedProcess;
  let base: string;
  let viewer: string;

  const post = async (body: string, token = viewer): Promise<Answer> => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body,
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };

  /** Sends the request and probes /health until it is answered; every probe must get 200. */
  const whileHealthy = async (body: string): Promise<Answer> => {
    let pending = true;
    const probes: Promise<number>[] = [];
    const answer = post(body).finally(() => (pending = false));
    do {
      probes.push(fetch(`${base}/health`).then((r) => r.status));
      await Promise.race([answer, new Promise((resolve) => setTimeout(resolve, 20))]);
    } while (pending);
    expect(await Promise.all(probes)).toEqual(probes.map(() => 200));
    return answer;
  };

  const refusal = (answer: Answer) => answer.body.errors?.[0]?.extensions ?? {};

  beforeAll(async () => {
    db = await TestDatabase.create('hostile');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = spawnApp('api', {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafkaBrokers,
      API_PORT: String(port),
      HOST: '127.0.0.1',
      API_INTROSPECTION: 'on', // a deep introspection query meets the depth limit
    });
    await waitForHealthy(`${base}/health`, api);
    const org = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Hostile'], { DATABASE_URL: db.url })).stdout,
    ) as { orgId: string };
    // costs come from the org's actual sizes: enough teams for the largest page
    await storeHistory(
      db.url,
      org.orgId,
      Array.from({ length: TEAMS }, (_, i) => ({
        id: `r${i}`,
        type: 'team.registered' as const,
        occurredAt: '2025-01-06T00:00:00Z',
        data: { teamId: `t${String(i).padStart(4, '0')}`, name: `T${i}`, headcount: 5 },
      })),
    );
    viewer = (
      JSON.parse(
        (await runCli(['token', 'create', '--org', org.orgId, '--role', 'viewer'], { DATABASE_URL: db.url }))
          .stdout,
      ) as { apiToken: string }
    ).apiToken;
  });

  afterAll(async () => {
    await api?.stop();
    await db?.drop();
  });

  it('answers an ordinary dashboard query', async () => {
    const answer = await post(
      JSON.stringify({
        query:
          'query ($w: Window!) { teams { id weeklyTrend(window: $w) { weekStart } } orgOverview(window: $w) { teams } }',
        variables: { w: { from: '2026-01-05T00:00:00Z', to: '2026-02-02T00:00:00Z' } },
      }),
    );
    expect(answer.status).toBe(200);
    const { teams, orgOverview } = answer.body.data as { teams: unknown[]; orgOverview: { teams: number } };
    expect([teams.length, orgOverview.teams]).toEqual([500, TEAMS]); // the default page, every team
  });

  it('a chain of 40 fragments, each spreading the next twice (about a kilobyte): the cost limit', async () => {
    const query = `{ teams { ...F0 } } ${fragmentChain(40)}`;
    const answer = await whileHealthy(JSON.stringify({ query }));
    expect(answer.status).toBe(400);
    expect(refusal(answer)).toEqual({
      code: 'QUERY_LIMIT_EXCEEDED',
      limit: 'cost',
      max: 100_000,
      actual: 1 + 500 * 2 ** 39,
    });
  });

  it('2,000 aliases of a ten-year weeklyTrend over every team: the token limit', async () => {
    const aliases = Array.from({ length: 2_000 }, (_, i) => `a${i}:weeklyTrend(window:$w){weekStart}`);
    const query = `query($w:Window!){teams{${aliases.join(' ')}}}`;
    const answer = await whileHealthy(JSON.stringify({ query, variables: { w: TEN_YEARS } }));
    expect(answer.status).toBe(400);
    expect(refusal(answer)).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'tokens', max: 3_000 });
    expect(refusal(answer).actual).toBeGreaterThan(20_000);
  });

  it('the same within the token limit: 150 aliases are over the alias limit, 90 over the cost limit', async () => {
    const aliases = (n: number) =>
      Array.from({ length: n }, (_, i) => `a${i}:weeklyTrend(window:$w){weekStart}`).join(' ');
    const many = await whileHealthy(
      JSON.stringify({ query: `query($w:Window!){teams{${aliases(150)}}}`, variables: { w: TEN_YEARS } }),
    );
    expect(refusal(many)).toMatchObject({
      code: 'QUERY_LIMIT_EXCEEDED',
      limit: 'aliases',
      max: 100,
      actual: 150,
    });
    const costly = await whileHealthy(
      JSON.stringify({ query: `query($w:Window!){teams{${aliases(90)}}}`, variables: { w: TEN_YEARS } }),
    );
    expect(refusal(costly)).toEqual({
      code: 'QUERY_LIMIT_EXCEEDED',
      limit: 'cost',
      max: 100_000,
      actual: 1 + 500 * 90 * (1 + 522),
    });
    expect(costly.body.errors?.[0].message).toMatch(/^the query costs 23535001; at most 100000 is allowed/);
  });

  it('one ten-year weeklyTrend over a page of 1,000 teams: the cost limit; a first over the maximum page: refused', async () => {
    const trend = await whileHealthy(
      JSON.stringify({
        query: 'query ($w: Window!) { teams(first: 1000) { weeklyTrend(window: $w) { weekStart ships } } }',
        variables: { w: TEN_YEARS },
      }),
    );
    expect(refusal(trend)).toMatchObject({ limit: 'cost', actual: 1 + 1_000 * (1 + 522 * 2) });
    const page = await whileHealthy(JSON.stringify({ query: '{ teams(first: 100000) { id } }' }));
    expect(refusal(page)).toEqual({
      code: 'QUERY_LIMIT_EXCEEDED',
      limit: 'first',
      field: 'teams',
      max: 1_000,
      actual: 100_000,
    });
  });

  it('a query nested 50 deep: the depth limit', async () => {
    const query = `{ __schema { types { fields { type ${'{ ofType '.repeat(45)}{ name }${' }'.repeat(45)} } } } }`;
    const answer = await whileHealthy(JSON.stringify({ query }));
    expect(answer.status).toBe(400);
    expect(refusal(answer)).toEqual({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'depth', max: 8, actual: 50 });
    expect(answer.body.errors?.[0].message).toBe('the query is 50 levels deep; at most 8 are allowed');
  });

  it('a 2 MB body: the body limit, 413', async () => {
    const query = `{ teams { id } } # ${'x'.repeat(2 * 1024 * 1024)}`;
    const body = JSON.stringify({ query });
    const answer = await whileHealthy(body);
    expect(answer).toEqual({
      status: 413,
      body: {
        errors: [
          {
            message: `the request body is ${Buffer.byteLength(body)} bytes; at most 102400 are allowed`,
            extensions: {
              code: 'QUERY_LIMIT_EXCEEDED',
              limit: 'bodyBytes',
              max: 102_400,
              actual: Buffer.byteLength(body),
            },
          },
        ],
      },
    });
  });

  it('a 2 MB body sent in pieces is read to its end, then refused with 413: the client reads the answer, no broken pipe', async () => {
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    await once(socket, 'connect');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const errors: Error[] = [];
    socket.on('error', (error) => errors.push(error));
    const write = (data: string) =>
      new Promise<void>((resolve) =>
        socket.write(data, (error) => {
          if (error) errors.push(error);
          resolve();
        }),
      );
    const piece = 256 * 1024;
    const length = 8 * piece;
    await write(
      `POST /graphql HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\n` +
        `Authorization: Bearer ${viewer}\r\nContent-Length: ${length}\r\n\r\n`,
    );
    const body = `{"query":"${'x'.repeat(length - 12)}"}`;
    for (let at = 0; at < length && errors.length === 0; at += piece) {
      await write(body.slice(at, at + piece));
      // no answer while the body is still coming
      if (at + piece < length) expect(received).toBe('');
    }
    // the answer, then the server closes the connection
    await once(socket, 'close');
    expect(errors).toEqual([]);
    expect(received).toMatch(/^HTTP\/1\.1 413 [\s\S]*"limit":"bodyBytes","max":102400,"actual":2097152/);
    socket.destroy();
  });

  it('a 2 MB body to another route, or without a token, is refused at once: only a GraphQL client is waited for', async () => {
    for (const [path, auth] of [
      ['/nowhere', `Authorization: Bearer ${viewer}\r\n`],
      ['/graphql', ''],
    ]) {
      const socket = connect(Number(new URL(base).port), '127.0.0.1');
      await once(socket, 'connect');
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('error', () => undefined);
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\n${auth}` +
          `Content-Length: ${2 * 1024 * 1024}\r\n\r\n{"query":`,
      );
      // answered with none of the body sent: nothing of it is read
      await eventually(() => expect(received).toMatch(/^HTTP\/1\.1 4\d\d /));
      socket.destroy();
    }
  });

  describe('over graphql-ws, the same limits', () => {
    let client: Client | undefined;
    afterEach(async () => client?.dispose());

    const connect = () => {
      const closes: number[] = [];
      client = createClient({
        url: `${base.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${viewer}` },
        retryAttempts: 0,
        on: { closed: (event) => closes.push((event as { code: number }).code) },
      });
      return closes;
    };
    const subscribe = (query: string) =>
      new Promise<unknown>((resolve) => {
        client?.subscribe({ query }, { next: resolve, error: resolve, complete: () => resolve('complete') });
      });

    it('a fragment chain in a subscription is refused with the coded error', async () => {
      connect();
      const answer = await subscribe(
        `subscription { alertChanged { ...F0 } } ${fragmentChain(40, 'Alert', 'id')}`,
      );
      expect(answer).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'cost' }),
        }),
      ]);
    });

    it('a message over the body limit closes the connection (1009)', async () => {
      const closes = connect();
      const answer = subscribe(`subscription { alertChanged { id } } # ${'x'.repeat(2 * 1024 * 1024)}`);
      await eventually(() => expect(closes).toEqual([1009]));
      await answer;
      expect((await fetch(`${base}/health`)).status).toBe(200);
    });
  });
});

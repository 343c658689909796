import {
  type SpawnedProcess,
  TestDatabase,
  eventually,
  freePort,
  postEvents,
  runCli,
  spawnApp,
  testEnvironment,
  waitForHealthy,
} from '@orgpulse/testing';
import { ClientError, GraphQLClient } from 'graphql-request';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

interface Org {
  orgId: string;
  ingestKey: string;
  apiToken: string;
}
interface Answer<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}
interface PersonView {
  id: string;
  name: string | null;
  role?: string | null;
  manager?: PersonView | null;
  reports?: PersonView[];
}

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();

/**
 * The API with clients nobody here wrote: graphql-request (POST, and GET as Apollo's CSRF prevention
 * wants it, README "GraphQL API"), graphql-ws. Contract §13 (people and names) and §11 (input that
 * cannot be answered is an error, never a number), and admin input a hostile tenant sends.
 */
describe('GraphQL through graphql-request and graphql-ws (contract §11, §13)', () => {
  jest.setTimeout(240_000);
  const { kafkaBrokers } = testEnvironment();
  let db: TestDatabase;
  const apps: SpawnedProcess[] = [];
  let ingestUrl: string;
  let apiUrl: string;
  let wsUrl: string;
  let org: Org;
  let client: GraphQLClient;
  let subscriptions: Client | undefined;

  /** The answer whatever its status: graphql-request throws ClientError for errors and for non-2xx. */
  async function ask<T>(
    query: string,
    variables?: Record<string, unknown>,
    over?: GraphQLClient,
  ): Promise<Answer<T>> {
    try {
      const answer = await (over ?? client).rawRequest<T>(query, variables);
      return { status: answer.status, data: answer.data, errors: answer.errors as Answer<T>['errors'] };
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      const { status, data, errors } = error.response as Answer<T> & { status: number };
      return { status, data, errors };
    }
  }

  const post = async (events: Record<string, unknown>[]) => {
    const answer = await postEvents(ingestUrl, events, { key: org.ingestKey });
    expect(answer.status).toBe(202);
  };
  const event = (id: string, type: string, occurredAt: string, data: Record<string, unknown>) => ({
    id,
    type,
    occurredAt,
    data,
  });

  beforeAll(async () => {
    // text ordered as docker compose's postgres image orders it (en_US.utf8: 'mia' < 'Zed'), not bytewise
    db = await TestDatabase.create('graphql_clients', { icuLocale: 'en-US' });
    const [ingestPort, projectorPort, apiPort, alerterPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    wsUrl = `ws://127.0.0.1:${apiPort}/graphql`;
    const common = { DATABASE_URL: db.url, KAFKA_BROKERS: kafkaBrokers, HOST: '127.0.0.1' };
    apps.push(
      spawnApp('ingest', { ...common, INGEST_PORT: String(ingestPort) }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_GROUP_ID: `graphql-clients-${projectorPort}`,
      }),
      spawnApp('api', { ...common, API_PORT: String(apiPort), API_RESULT_CACHE_MS: '0' }),
      spawnApp('alerter', { ...common, ALERTER_PORT: String(alerterPort), ALERTER_INTERVAL_MS: '1000' }),
    );
    await waitForHealthy(`${ingestUrl}/health`, apps[0]);
    await waitForHealthy(`http://127.0.0.1:${projectorPort}/health`, apps[1]);
    await waitForHealthy(`http://127.0.0.1:${apiPort}/health`, apps[2]);
    await waitForHealthy(`http://127.0.0.1:${alerterPort}/health`, apps[3]);
    org = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Clients'], { DATABASE_URL: db.url })).stdout,
    ) as Org;
    client = new GraphQLClient(apiUrl, {
      headers: { authorization: `Bearer ${org.apiToken}` },
      errorPolicy: 'all',
    });
    await post([
      event('p-mia', 'person.registered', ago(900), {
        personId: 'mia',
        name: 'Mia Wong',
        role: 'engineering-manager',
        managerId: 'vp',
      }),
      event('p-ada', 'person.registered', ago(800), {
        personId: 'eng-12',
        name: 'Ada Lovelace',
        role: 'engineer',
        managerId: 'mia',
      }),
      event('p-lin', 'person.registered', ago(800), {
        personId: 'eng-13',
        role: 'engineer',
        managerId: 'mia',
      }),
      event('t-core', 'team.registered', ago(900), { teamId: 'core', name: 'Core Platform', headcount: 5 }),
      event('t-pay', 'team.registered', ago(900), { teamId: 'payments', name: 'Payments', headcount: 3 }),
      event('b-core', 'team.blocked', ago(72), { teamId: 'core', reason: 'dependency' }),
      // a manager known only by the 1:1s they hold, whose id sorts last in en-US but first bytewise
      event('o-zed', 'one-on-one.held', ago(48), { managerId: 'Zed', reportId: 'eng-12' }),
    ]);
    await eventually(async () =>
      expect(
        (await ask<{ person: PersonView | null }>(`{ person(id: "eng-13") { id } }`)).data?.person,
      ).not.toBeNull(),
    );
  });

  afterAll(async () => {
    await subscriptions?.dispose();
    await Promise.all(apps.map((a) => a.stop()));
    await db?.drop();
  });

  describe('people and names (contract §13)', () => {
    it('answers a person with their name, role, manager and reports; a manager named by no registration has no name', async () => {
      const answer = await ask<{ person: PersonView }>(
        `{ person(id: "mia") { id name role manager { id name role } reports { id name role } } }`,
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.person).toEqual({
        id: 'mia',
        name: 'Mia Wong',
        role: 'engineering-manager',
        manager: { id: 'vp', name: null, role: null },
        reports: [
          { id: 'eng-12', name: 'Ada Lovelace', role: 'engineer' },
          { id: 'eng-13', name: null, role: 'engineer' },
        ],
      });
      const unknown = await ask<{ person: PersonView | null }>(`{ person(id: "nobody") { id } }`);
      expect(unknown.data).toEqual({ person: null });
    });

    it('pages people by id with first and after, and filters them by role', async () => {
      const first = await ask<{ people: PersonView[] }>(`{ people(first: 2) { id name } }`);
      expect(first.data?.people).toEqual([
        { id: 'eng-12', name: 'Ada Lovelace' },
        { id: 'eng-13', name: null },
      ]);
      const next = await ask<{ people: PersonView[] }>(`{ people(first: 2, after: "eng-13") { id name } }`);
      expect(next.data?.people).toEqual([{ id: 'mia', name: 'Mia Wong' }]);
      const engineers = await ask<{ people: PersonView[] }>(`{ people(role: "engineer") { id } }`);
      expect(engineers.data?.people.map((p) => p.id)).toEqual(['eng-12', 'eng-13']);
      const tooMany = await ask<{ people: PersonView[] }>(`{ people(first: 5000) { id } }`);
      expect(tooMany.errors?.[0].extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
    });

    it('pages people and managers as connections (contract §12): cursors, hasNextPage, totalCount', async () => {
      type Page<T> = {
        totalCount: number;
        edges: { cursor: string; node: T }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      const CONNECTION = 'totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor }';
      const people = (args: string) =>
        ask<{ peopleConnection: Page<{ id: string }> }>(`{ peopleConnection(${args}) { ${CONNECTION} } }`);
      const first = (await people('first: 2')).data?.peopleConnection;
      expect(first?.edges.map((e) => e.node.id)).toEqual(['eng-12', 'eng-13']);
      expect(first).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
      const next = await ask<{ peopleConnection: Page<{ id: string }> }>(
        `query ($after: String) { peopleConnection(first: 2, after: $after) { ${CONNECTION} } }`,
        { after: first?.pageInfo.endCursor },
      );
      expect(next.data?.peopleConnection).toMatchObject({
        totalCount: 3,
        edges: [{ node: { id: 'mia' } }],
        pageInfo: { hasNextPage: false },
      });
      const engineers = (await people('role: "engineer"')).data?.peopleConnection;
      expect(engineers).toMatchObject({
        totalCount: 2,
        pageInfo: { hasNextPage: false, endCursor: engineers?.edges[1].cursor },
      });

      // managers: those a registration names (mia; vp, who has none of their own) and Zed, who holds a
      // 1:1; a page at a time, in the database's order of text
      const managers = await ask<{
        managersConnection: Page<{ id: string; person: { name: string | null } }>;
      }>(
        `{ managersConnection(first: 1) { totalCount edges { node { id person { name } } } pageInfo { hasNextPage endCursor } } }`,
      );
      expect(managers.data?.managersConnection).toMatchObject({
        totalCount: 3,
        edges: [{ node: { id: 'mia', person: { name: 'Mia Wong' } } }],
        pageInfo: { hasNextPage: true },
      });
      const paged: string[] = [];
      for (let after = managers.data?.managersConnection.pageInfo.endCursor; after;) {
        const page = await ask<{ managersConnection: Page<{ id: string }> }>(
          `query ($after: String) { managersConnection(first: 1, after: $after) { ${CONNECTION} } }`,
          { after },
        );
        expect(page.data?.managersConnection.totalCount).toBe(3);
        paged.push(...(page.data?.managersConnection.edges.map((e) => e.node.id) ?? []));
        after = page.data?.managersConnection.pageInfo.hasNextPage
          ? page.data.managersConnection.pageInfo.endCursor
          : null;
      }
      expect(paged).toEqual(['vp', 'Zed']);
      const list = await ask<{ managers: { id: string }[] }>(`{ managers(first: 2) { id } }`);
      expect(list.data?.managers).toEqual([{ id: 'mia' }, { id: 'vp' }]);
      const rest = await ask<{ managers: { id: string }[] }>(`{ managers(after: "vp") { id } }`);
      expect(rest.data?.managers).toEqual([{ id: 'Zed' }]);

      // a cursor of another list is refused, naming the argument
      const mixed = await ask(`query ($after: String) { managersConnection(after: $after) { totalCount } }`, {
        after: first?.pageInfo.endCursor,
      });
      expect(mixed.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(mixed.errors?.[0].message).toMatch(/after/);
      const tooMany = await ask(`{ peopleConnection(first: 5000) { totalCount } }`);
      expect(tooMany.errors?.[0].extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
    });

    it("names a manager's person, and an alert's subject", async () => {
      const manager = await ask<{ manager: { person: PersonView } }>(
        `{ manager(id: "mia") { person { id name } } }`,
      );
      expect(manager.data?.manager.person).toEqual({ id: 'mia', name: 'Mia Wong' });
      const alerts = await eventually(async () => {
        const answer = await ask<{
          alerts: { rule: string; subjectId: string; subjectName: string | null }[];
        }>(`{ alerts(status: OPEN) { rule subjectId subjectName } }`);
        const idle = answer.data?.alerts.filter((a) => a.rule === 'TEAM_IDLE') ?? [];
        expect(idle).toHaveLength(1);
        return idle;
      });
      expect(alerts).toEqual([{ rule: 'TEAM_IDLE', subjectId: 'core', subjectName: 'Core Platform' }]);
    });

    it('shows a group-scoped token no people', async () => {
      await post([event('g-plat', 'group.registered', ago(900), { groupId: 'platform', name: 'Platform' })]);
      const scoped = JSON.parse(
        (
          await runCli(['token', 'create', '--org', org.orgId, '--role', 'viewer', '--group', 'platform'], {
            DATABASE_URL: db.url,
          })
        ).stdout,
      ) as { apiToken: string };
      const asScoped = new GraphQLClient(apiUrl, {
        headers: { authorization: `Bearer ${scoped.apiToken}` },
        errorPolicy: 'all',
      });
      const answer = await ask<{ person: PersonView | null; people: PersonView[] }>(
        `{ person(id: "mia") { id } people { id } peopleConnection { totalCount edges { node { id } } }
          managersConnection { totalCount edges { node { id } } } }`,
        undefined,
        asScoped,
      );
      expect(answer.data).toEqual({
        person: null,
        people: [],
        peopleConnection: { totalCount: 0, edges: [] },
        managersConnection: { totalCount: 0, edges: [] },
      });
    });

    it('pushes alerts with their subject name over graphql-ws', async () => {
      const received: { rule: string; subjectId: string; subjectName: string | null }[] = [];
      subscriptions = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${org.apiToken}` },
      });
      await new Promise<void>((resolve, reject) => {
        subscriptions!.on('connected', () => resolve());
        subscriptions!.subscribe<{ alertChanged: (typeof received)[number] }>(
          { query: 'subscription { alertChanged { rule subjectId subjectName } }' },
          {
            next: (value) => value.data && received.push(value.data.alertChanged),
            error: reject,
            complete: () => undefined,
          },
        );
      });
      await post([
        event('b-pay', 'team.blocked', ago(60), { teamId: 'payments', reason: 'decision-pending' }),
      ]);
      await eventually(() =>
        expect(received).toContainEqual({
          rule: 'TEAM_IDLE',
          subjectId: 'payments',
          subjectName: 'Payments',
        }),
      );
    });
  });

  describe("GET, as Apollo's CSRF prevention wants it (README)", () => {
    const query = `{ team(id: "core") { id name } }`;

    it('refuses a GET without a preflight header, as a browser form could send it', async () => {
      const plain = new GraphQLClient(apiUrl, {
        method: 'GET',
        headers: { authorization: `Bearer ${org.apiToken}` },
        errorPolicy: 'all',
      });
      const answer = await ask(query, undefined, plain);
      expect(answer.status).toBe(400);
      expect(answer.errors?.[0].message).toMatch(/Cross-Site Request Forgery|CSRF/);
    });

    it('answers a GET with apollo-require-preflight, or with the operation name header', async () => {
      const preflights: Record<string, string>[] = [
        { 'apollo-require-preflight': 'true' },
        { 'x-apollo-operation-name': 'Core' },
      ];
      for (const header of preflights) {
        const get = new GraphQLClient(apiUrl, {
          method: 'GET',
          headers: { authorization: `Bearer ${org.apiToken}`, ...header },
          errorPolicy: 'all',
        });
        const answer = await ask<{ team: { id: string; name: string } }>(query, undefined, get);
        expect({ header, status: answer.status, data: answer.data }).toEqual({
          header,
          status: 200,
          data: { team: { id: 'core', name: 'Core Platform' } },
        });
      }
    });
  });

  describe('input that cannot be answered is an error, never a number (contract §11)', () => {
    const overview = (from: string, to: string) =>
      `{ orgOverview(window: {from: ${JSON.stringify(from)}, to: ${JSON.stringify(to)}}) { teams idlePersonDays } }`;

    it.each([
      ['garbage', 'garbage', 'garbage'],
      ['a date without a time', '2026-01-05', '2026-01-05'],
      ['a time without an offset', '2026-01-05T00:00:00', '2026-01-05T00:00:00'],
      ['February 30th', '2026-02-30T00:00:00Z', '2026-02-30T00:00:00Z'],
    ])('refuses %s written in the query, naming the argument', async (_given, bad, shown) => {
      const answer = await ask(overview(bad, '2026-03-01T00:00:00Z'));
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors).toEqual([
        expect.objectContaining({
          message: expect.stringContaining(`argument window.from of orgOverview: "${shown}"`),
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'window.from' }),
        }),
      ]);
    });

    it('refuses an invalid DateTime in the variables, naming the variable', async () => {
      const answer = await ask(`query ($w: Window!) { orgOverview(window: $w) { teams } }`, {
        w: { from: '2026-01-01T00:00:00Z', to: 'garbage' },
      });
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/Variable "\$w" got invalid value "garbage" at "w.to"/),
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
        }),
      ]);
      const asOf = await ask(`{ manager(id: "mia") { directReports(asOf: "yesterday") } }`);
      expect(asOf.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });

    it.each([
      ['from after to', '2026-03-01T00:00:00Z', '2026-01-01T00:00:00Z', /must be before to/],
      ['from equal to to', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z', /must be before to/],
      ['a window over 10 years', '2010-01-01T00:00:00Z', '2026-01-01T00:00:00Z', /at most 10 years/],
    ])(
      'refuses %s with no data for that field, and answers the others',
      async (_given, from, to, message) => {
        const answer = await ask<{ good: unknown; bad: unknown }>(
          `query ($good: Window!, $bad: Window!) {
           good: team(id: "core") { delivery(window: $good) { ships } }
           bad: team(id: "core") { delivery(window: $bad) { ships } }
         }`,
          { good: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, bad: { from, to } },
        );
        expect(answer.data).toEqual({ good: { delivery: { ships: 0 } }, bad: null });
        expect(answer.errors).toEqual([
          expect.objectContaining({
            message: expect.stringMatching(message),
            path: ['bad', 'delivery'],
            extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'window' }),
          }),
        ]);
      },
    );
  });

  describe('admin input a hostile tenant sends: a clear coded error, nothing stored', () => {
    const create = `mutation ($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }`;
    const integration = (over: Record<string, unknown>) => ({
      kind: 'GITHUB',
      name: 'GitHub',
      secret: 'a-secret-of-enough-length',
      teamMappings: [{ match: 'acme/api', teamId: 'core' }],
      ...over,
    });

    it.each([
      ['U+0000 in the name', integration({ name: 'Git\u0000Hub' }), 'name'],
      ['U+0000 in the secret', integration({ secret: 'a-secret-of-enough\u0000length' }), 'secret'],
      [
        'U+0000 in a mapping',
        integration({ teamMappings: [{ match: 'acme/\u0000', teamId: 'core' }] }),
        'teamMappings.0.match',
      ],
      [
        'U+0000 in a team id',
        integration({ teamMappings: [{ match: 'acme/api', teamId: 'co\u0000re' }] }),
        'teamMappings.0.teamId',
      ],
    ])('refuses an integration with %s', async (_given, input, field) => {
      const answer = await ask(create, { input });
      expect(answer.errors).toEqual([
        expect.objectContaining({
          message: `${field} must not contain U+0000 (NUL)`,
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
        }),
      ]);
    });

    it('refuses a webhook secret with U+0000, and a webhook id that is not one', async () => {
      const registered = await ask(
        `mutation ($secret: String!) { registerWebhook(url: "https://hooks.example.com/x", secret: $secret) { id } }`,
        { secret: 'a-webhook-secret\u0000-long' },
      );
      expect(registered.errors?.[0]).toEqual(
        expect.objectContaining({
          message: 'secret must not contain U+0000 (NUL)',
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
        }),
      );
      const deleted = await ask(`mutation { deleteWebhook(id: "not-a-uuid") }`);
      expect(deleted.errors?.[0]).toEqual(
        expect.objectContaining({
          message: expect.stringContaining('is not a webhook id'),
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
        }),
      );
      const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhooks`);
      expect(n).toBe(0);
    });
  });
});

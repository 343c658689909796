import {
  type SpawnedProcess,
  TestDatabase,
  eventually,
  graphql,
  postEvents,
  runCli,
  spawnApp,
  testEnvironment,
  waitForHealthy,
  freePorts,
} from '@orgpulse/testing';

/**
 * A metric added as one folder (README, "Adding a metric"): `decision.made` in over HTTP, through Kafka and
 * the projector into the tables its declaration implies, `Team.decisionLatency` out over GraphQL.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const D0 = Math.floor((Date.now() - 20 * DAY) / HOUR) * HOUR;
const at = (days: number) => new Date(D0 + days * DAY).toISOString();

interface Org {
  orgId: string;
  ingestKey: string;
  apiToken: string;
}

const decided = (id: string, days: number, waitedHours: number, teamId = 'checkout') => ({
  id,
  type: 'decision.made',
  occurredAt: at(days),
  data: { teamId, requestedAt: new Date(D0 + days * DAY - waitedHours * HOUR).toISOString(), title: id },
});

const QUERY = `query ($w: Window!) {
  checkout: team(id: "checkout") { decisionLatency(window: $w) { decisions medianHours p90Hours longestHours } }
  search: team(id: "search") { decisionLatency(window: $w) { decisions medianHours } }
}`;

describe('a metric folder end to end: decision.made in, Team.decisionLatency out', () => {
  jest.setTimeout(300_000);
  const { kafkaBrokers } = testEnvironment();
  let db: TestDatabase;
  const apps: SpawnedProcess[] = [];
  let ingestUrl: string;
  let apiUrl: string;
  let org: Org;

  beforeAll(async () => {
    db = await TestDatabase.create('decisions');
    const [ingestPort, apiPort, projectorPort] = await freePorts(3);
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    const common = { KAFKA_BROKERS: kafkaBrokers, HOST: '127.0.0.1', DATABASE_URL: db.url };
    apps.push(
      spawnApp('ingest', { ...common, INGEST_PORT: String(ingestPort), INGEST_RATE_LIMIT_PER_SECOND: '0' }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_GROUP_ID: `decisions-${projectorPort}`,
      }),
      spawnApp('api', { ...common, API_PORT: String(apiPort), API_RESULT_CACHE_MS: '0' }),
    );
    await waitForHealthy(`${ingestUrl}/health`, apps[0]);
    await waitForHealthy(`http://127.0.0.1:${projectorPort}/health`, apps[1]);
    await waitForHealthy(`http://127.0.0.1:${apiPort}/health`, apps[2]);
    org = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Deciders'], { DATABASE_URL: db.url })).stdout,
    ) as Org;
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await db?.drop();
  });

  it('given decisions (one late, one before the window), then the window counts its own with their waits', async () => {
    const post = async (events: unknown[]) =>
      expect((await postEvents(ingestUrl, events, { key: org.ingestKey })).status).toBe(202);
    await post([
      {
        id: 't1',
        type: 'team.registered',
        occurredAt: at(-5),
        data: { teamId: 'checkout', name: 'Checkout', headcount: 6 },
      },
      {
        id: 't2',
        type: 'team.registered',
        occurredAt: at(-5),
        data: { teamId: 'search', name: 'Search', headcount: 4 },
      },
      decided('before-window', -1, 500),
      decided('d1', 2, 4),
      decided('d2', 6, 30),
      decided('d3', 9, 2),
    ]);
    await post([decided('late', 4, 100)]); // arrives after later decisions: the week it lands in is refolded
    const w = { from: at(0), to: at(14) };
    await eventually(async () => {
      const answer = await graphql<Record<string, unknown>>(apiUrl, org.apiToken, QUERY, { w });
      expect(answer.errors).toBeUndefined();
      // waits in the window: 2, 4, 30, 100 hours
      expect(answer.data).toEqual({
        checkout: { decisionLatency: { decisions: 4, medianHours: 4, p90Hours: 100, longestHours: 100 } },
        search: { decisionLatency: { decisions: 0, medianHours: null } },
      });
    });
  });

  it('refuses a decision without a valid requestedAt, saying where, and keeps nothing of that batch', async () => {
    const response = await postEvents(
      ingestUrl,
      [
        decided('ok', 3, 1),
        { ...decided('bad', 3, 1), data: { teamId: 'checkout', requestedAt: 'yesterday' } },
      ],
      { key: org.ingestKey },
    );
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain(
      '"path":"data.requestedAt","message":"must be an RFC 3339',
    );
    // a later accepted event projected: the refused batch's valid decision is not counted before it
    const marker = decided('marker', 5, 3, 'search');
    expect((await postEvents(ingestUrl, [marker], { key: org.ingestKey })).status).toBe(202);
    const w = { from: at(0), to: at(14) };
    await eventually(async () => {
      const answer = await graphql<Record<string, unknown>>(apiUrl, org.apiToken, QUERY, { w });
      expect(answer.data).toMatchObject({
        checkout: { decisionLatency: { decisions: 4 } },
        search: { decisionLatency: { decisions: 1, medianHours: 3 } },
      });
    });
  });
});

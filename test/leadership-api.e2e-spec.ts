import {
  type SpawnedProcess,
  TcpProxy,
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

const DAY = 86_400_000;
const W = { from: '2026-01-05T00:00:00Z', to: '2026-02-02T00:00:00Z' }; // four complete ISO weeks

interface Org {
  orgId: string;
  ingestKey: string;
  apiToken: string;
}

const ev = (id: string, type: string, occurredAt: string, data: Record<string, unknown>) => ({
  id,
  type,
  occurredAt,
  data,
});

const TEAM_FIELDS = `id name groupId headcount blocked blockedSince
  idleness(window: $w) { blockedHours idlePersonDays blockedEpisodes }
  discovery(window: $w) { interviews weeksInWindow weeksMeetingTarget adherence currentStreakWeeks lastInterviewAt daysSinceLast }
  delivery(window: $w) { ships lastShippedAt daysSinceLast }`;

const DASHBOARD = `query ($w: Window!) {
  teams { ${TEAM_FIELDS}
    weeklyTrend(window: $w) { weekStart idlePersonDays interviews ships }
    idlenessByReason(window: $w) { key idlePersonDays } }
  orgOverview(window: $w) { teams blockedTeams idlePersonDays }
  managers { id directReports oneOnOneCoverage overdueReports }
}`;

// The org-structure fields (§8) over every group: statements must not grow with teams or groups.
const STRUCTURE = `query ($w: Window!) {
  groups(first: 10) { id name parent { id name } children { id } teams { id }
    overview(window: $w) { teams blockedTeams idlePersonDays idleCost interviews trioInterviews ships }
    weeklyTrend(window: $w) { weekStart idlePersonDays } }
  blockingEdges(window: $w) { blockingTeamId blockedTeamId idlePersonDays }
  g0: orgOverview(window: $w, groupId: "g0") { teams idleCost }
  managers(first: 20) { id subtree { people managers oneOnOneCoverage } }
}`;

describe('the leadership GraphQL API over a scenario posted through ingest (real Kafka, projector, PostgreSQL)', () => {
  jest.setTimeout(300_000);
  const { kafkaBrokers } = testEnvironment();
  let db: TestDatabase;
  let proxy: TcpProxy;
  const apps: SpawnedProcess[] = [];
  let ingestUrl: string;
  let apiUrl: string;
  let acme: Org;

  const newOrg = async (name: string) =>
    JSON.parse((await runCli(['org', 'create', '--name', name], { DATABASE_URL: db.url })).stdout) as Org;
  const post = async (org: Org, events: unknown[]) =>
    expect((await postEvents(ingestUrl, events, { key: org.ingestKey })).status).toBe(202);
  const query = <T = Record<string, unknown>>(
    org: Org | string,
    q: string,
    variables: Record<string, unknown> = { w: W },
  ) => graphql<T>(apiUrl, typeof org === 'string' ? org : org.apiToken, q, variables);

  beforeAll(async () => {
    db = await TestDatabase.create('leadership');
    const database = new URL(db.url);
    proxy = await TcpProxy.start(database.hostname, Number(database.port || 5432));
    database.host = `127.0.0.1:${proxy.port}`;
    const [ingestPort, apiPort, projectorPort] = await freePorts(3);
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    const common = { KAFKA_BROKERS: kafkaBrokers, HOST: '127.0.0.1' };
    apps.push(
      spawnApp('ingest', {
        ...common,
        DATABASE_URL: db.url,
        INGEST_PORT: String(ingestPort),
        INGEST_RATE_LIMIT_PER_SECOND: '0',
      }),
      spawnApp('projector', {
        ...common,
        DATABASE_URL: db.url,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_GROUP_ID: `leadership-${projectorPort}`,
      }),
      // the API reads PostgreSQL through a proxy that counts its statements
      // no result cache nor read-model snapshots: the statements counted are those of one request
      spawnApp('api', {
        ...common,
        DATABASE_URL: database.toString(),
        API_PORT: String(apiPort),
        API_RESULT_CACHE_MS: '0',
        API_INTROSPECTION: 'on', // a deep introspection query meets the depth limit
      }),
    );
    await waitForHealthy(`${ingestUrl}/health`, apps[0]);
    await waitForHealthy(`http://127.0.0.1:${projectorPort}/health`, apps[1]);
    await waitForHealthy(`http://127.0.0.1:${apiPort}/health`, apps[2]);
    acme = await newOrg('Acme');
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await proxy.close();
    await db.drop();
  });

  it('answers every field of the contract as computed by hand, and a late event arriving last counts as if on time', async () => {
    const oneOnOneAt = new Date(Date.now() - 3 * DAY).toISOString();
    await post(acme, [
      ev('c1', 'team.registered', '2026-01-05T00:00:00Z', {
        teamId: 'core',
        name: 'Core',
        headcount: 8,
        groupId: 'platform',
      }),
      ev('c2', 'team.blocked', '2026-01-06T00:00:00Z', {
        teamId: 'core',
        reason: 'dependency',
        blockedBy: 'infra',
      }),
      ev('c3', 'team.registered', '2026-01-13T00:00:00Z', {
        teamId: 'core',
        name: 'Core',
        headcount: 10,
        groupId: 'platform',
      }),
      ev('c4', 'team.unblocked', '2026-01-20T00:00:00Z', { teamId: 'core' }),
      ...['2026-01-07T10:00:00Z', '2026-01-14T10:00:00Z', '2026-01-15T10:00:00Z', '2026-01-28T10:00:00Z'].map(
        (at, i) => ev(`ci${i}`, 'discovery.interview-held', at, { teamId: 'core' }),
      ),
      ev('cs1', 'delivery.shipped', '2026-01-09T12:00:00Z', { teamId: 'core' }),
      ev('cs2', 'delivery.shipped', '2026-01-30T12:00:00Z', { teamId: 'core', release: '2.0' }),
      ev('e1', 'team.registered', '2026-01-05T00:00:00Z', {
        teamId: 'edge',
        name: 'Edge',
        headcount: 3,
        groupId: 'platform',
      }),
      ev('e2', 'team.blocked', '2026-01-19T00:00:00Z', { teamId: 'edge', reason: 'decision-pending' }),
      ev('p1', 'person.registered', '2026-01-01T00:00:00Z', {
        personId: 'ann',
        role: 'pm',
        managerId: 'mia',
      }),
      ev('p2', 'person.registered', '2026-01-01T00:00:00Z', {
        personId: 'bob',
        role: 'pm',
        managerId: 'mia',
      }),
      ev('p3', 'person.registered', '2026-01-01T00:00:00Z', {
        personId: 'carl',
        role: 'engineer',
        managerId: 'mia',
      }),
      ev('p4', 'person.manager-changed', '2026-01-20T00:00:00Z', { personId: 'bob', managerId: 'max' }),
      ev('o1', 'one-on-one.held', oneOnOneAt, { managerId: 'mia', reportId: 'ann' }),
    ]);

    const core = `query ($w: Window!) { team(id: "core") { ${TEAM_FIELDS} } }`;
    // Before the late event: blocked 01-06 → 01-20, 8 people for 7 days then 10 for 7 days.
    await eventually(async () =>
      expect((await query<{ team: { idleness: unknown } | null }>(acme, core)).data?.team?.idleness).toEqual({
        blockedHours: 336,
        idlePersonDays: 126,
        blockedEpisodes: 1,
      }),
    );
    // The late event: Core was in fact unblocked on 01-16; the unblock of 01-20 then changes nothing.
    await post(acme, [ev('late', 'team.unblocked', '2026-01-16T00:00:00Z', { teamId: 'core' })]);
    await eventually(async () =>
      expect(
        (await query<{ team: { idleness: { idlePersonDays: number } } }>(acme, core)).data?.team.idleness
          .idlePersonDays,
      ).toBe(86),
    );

    const answer = await query(
      acme,
      `query ($w: Window!, $early: DateTime!) {
        core: team(id: "core") { ${TEAM_FIELDS} }
        edge: team(id: "edge") { ${TEAM_FIELDS} }
        unknown: team(id: "nope") { id }
        teams { id }
        mia: manager(id: "mia") { id directReports oneOnOneCoverage overdueReports
          early: directReports(asOf: $early) earlyCoverage: oneOnOneCoverage(asOf: $early) earlyOverdue: overdueReports(asOf: $early) }
        max: manager(id: "max") { id directReports oneOnOneCoverage overdueReports }
        nobody: manager(id: "nobody") { id }
        orgOverview(window: $w) { teams blockedTeams idlePersonDays }
        alerts { id rule subjectId status raisedAt resolvedAt }
        open: alerts(status: OPEN) { id }
      }`,
      { w: W, early: '2026-01-10T00:00:00Z' },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      core: {
        id: 'core',
        name: 'Core',
        groupId: 'platform',
        headcount: 10,
        blocked: false,
        blockedSince: null,
        idleness: { blockedHours: 240, idlePersonDays: 8 * 7 + 10 * 3, blockedEpisodes: 1 },
        discovery: {
          interviews: 4,
          weeksInWindow: 4,
          weeksMeetingTarget: 3,
          adherence: 0.75,
          currentStreakWeeks: 1,
          lastInterviewAt: '2026-01-28T10:00:00.000Z',
          daysSinceLast: 4 + 14 / 24,
        },
        delivery: { ships: 2, lastShippedAt: '2026-01-30T12:00:00.000Z', daysSinceLast: 2.5 },
      },
      edge: {
        id: 'edge',
        name: 'Edge',
        groupId: 'platform',
        headcount: 3,
        blocked: true,
        blockedSince: '2026-01-19T00:00:00.000Z',
        idleness: { blockedHours: 14 * 24, idlePersonDays: 3 * 14, blockedEpisodes: 1 },
        discovery: {
          interviews: 0,
          weeksInWindow: 4,
          weeksMeetingTarget: 0,
          adherence: 0,
          currentStreakWeeks: 0,
          lastInterviewAt: null,
          daysSinceLast: null,
        },
        delivery: { ships: 0, lastShippedAt: null, daysSinceLast: null },
      },
      unknown: null,
      teams: [{ id: 'core' }, { id: 'edge' }],
      mia: {
        id: 'mia',
        directReports: 2,
        oneOnOneCoverage: 0.5,
        overdueReports: ['carl'],
        early: 3,
        earlyCoverage: 0,
        earlyOverdue: ['ann', 'bob', 'carl'],
      },
      max: { id: 'max', directReports: 1, oneOnOneCoverage: 0, overdueReports: ['bob'] },
      nobody: null,
      orgOverview: { teams: 2, blockedTeams: 1, idlePersonDays: 86 + 42 },
      alerts: [],
      open: [],
    });
  });

  it('an admin changes the discovery target and the metrics follow; a viewer cannot', async () => {
    const viewer = JSON.parse(
      (await runCli(['token', 'create', '--org', acme.orgId, '--role', 'viewer'], { DATABASE_URL: db.url }))
        .stdout,
    ) as { apiToken: string };
    const mutation = `mutation { updateSettings(input: { discoveryTarget: 2 }) { discoveryTarget oneOnOneIntervalDays } }`;
    const refused = await query(viewer.apiToken, mutation, {});
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await query(viewer.apiToken, '{ settings { discoveryTarget } }', {})).data).toEqual({
      settings: { discoveryTarget: 1 },
    });

    expect((await query(acme, mutation, {})).data).toEqual({
      updateSettings: { discoveryTarget: 2, oneOnOneIntervalDays: 14 },
    });
    const discovery = await query(
      acme,
      `query ($w: Window!) { team(id: "core") { discovery(window: $w) { weeksMeetingTarget adherence currentStreakWeeks } } }`,
    );
    expect(discovery.data).toEqual({
      team: { discovery: { weeksMeetingTarget: 1, adherence: 0.25, currentStreakWeeks: 0 } },
    });
    const invalid = await query(
      acme,
      `mutation { updateSettings(input: { discoveryTarget: 0 }) { discoveryTarget } }`,
      {},
    );
    expect(invalid.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("a token of another org sees nothing of this org's, and no error names its ids", async () => {
    const other = await newOrg('Other');
    const answer = await query(
      other,
      `query ($w: Window!) { team(id: "core") { id } teams { id } manager(id: "mia") { id } managers { id }
         orgOverview(window: $w) { teams blockedTeams idlePersonDays } alerts { id } }`,
    );
    expect(answer).toEqual({
      status: 200,
      data: {
        team: null,
        teams: [],
        manager: null,
        managers: [],
        orgOverview: { teams: 0, blockedTeams: 0, idlePersonDays: 0 },
        alerts: [],
      },
    });
    const unauthenticated = await query('', '{ teams { id } }', {});
    expect(unauthenticated.status).toBe(401);
    const bad = await query(
      other,
      '{ team(id: "core") { idleness(window: { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { blockedHours } } }',
      {},
    );
    expect(JSON.stringify(bad)).not.toMatch(/core|mia|edge/);
  });

  it('a dashboard over 200 teams and groups costs the same number of SQL statements as one over 10', async () => {
    const statementsFor = async (teams: number) => {
      const org = await newOrg(`Dashboard ${teams}`);
      const events = Array.from({ length: teams }, (_, i) => [
        ev(`r${i}`, 'team.registered', '2026-01-05T00:00:00Z', {
          teamId: `t${i}`,
          name: `T${i}`,
          headcount: 5,
          groupId: `g${i % 4}`,
        }),
        ev(`b${i}`, 'team.blocked', '2026-01-06T00:00:00Z', {
          teamId: `t${i}`,
          reason: 'dependency',
          blockedBy: `t${(i + 1) % teams}`,
        }),
        ev(`gr${i}`, 'group.registered', '2026-01-01T00:00:00Z', {
          groupId: `g${i}`,
          name: `G${i}`,
          parentId: i === 0 ? null : `g${Math.floor((i - 1) / 3)}`,
        }),
        ev(`i${i}`, 'discovery.interview-held', '2026-01-07T00:00:00Z', { teamId: `t${i}` }),
        ev(`p${i}`, 'person.registered', '2026-01-01T00:00:00Z', {
          personId: `pm${i}`,
          role: 'pm',
          managerId: `m${i % 20}`,
        }),
      ]).flat();
      for (let i = 0; i < events.length; i += 1000) await post(org, events.slice(i, i + 1000));
      await eventually(
        async () => {
          const seen = await query<{ teams: unknown[]; groups: unknown[] }>(
            org,
            '{ teams { id } groups(first: 1000) { id name } }',
            {},
          );
          expect(seen.data?.teams).toHaveLength(teams);
          expect(seen.data?.groups.filter((g) => (g as { name: string | null }).name !== null)).toHaveLength(
            teams,
          );
        },
        { timeoutMs: 120_000 },
      );
      // counted once every event is projected: a commit during the count moves data versions, and the
      // reads the caches held are made again (the store and the read models commit together)
      await eventually(
        async () => {
          const [{ n }] = await db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM event_store WHERE org_id = $1',
            [org.orgId],
          );
          expect(n).toBe(events.length);
        },
        { timeoutMs: 120_000 },
      );
      await query(org, DASHBOARD); // warm up connections
      const before = proxy.pgStatementMark();
      const answer = await query<{ teams: unknown[] }>(org, DASHBOARD);
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.teams).toHaveLength(teams);
      const dashboard = proxy.pgStatementsSince(before);
      const beforeStructure = proxy.pgStatementMark();
      const structure = await query<{ groups: unknown[]; blockingEdges: unknown[] }>(org, STRUCTURE);
      expect(structure.errors).toBeUndefined();
      expect(structure.data?.groups).toHaveLength(10);
      expect(structure.data?.blockingEdges).toHaveLength(teams);
      return { dashboard, structure: proxy.pgStatementsSince(beforeStructure) };
    };
    const small = await statementsFor(10);
    const large = await statementsFor(200);
    expect(small.dashboard.length).toBeGreaterThan(1);
    expect(small.structure.length).toBeGreaterThan(1);
    // the statements' texts, so that a difference says which read came again or went missing; the health
    // probe's SELECT 1 runs on a timer of its own and is no part of the answers
    const sorted = (texts: string[]) => texts.filter((t) => t !== 'SELECT 1').sort();
    expect({ dashboard: sorted(large.dashboard), structure: sorted(large.structure) }).toEqual({
      dashboard: sorted(small.dashboard),
      structure: sorted(small.structure),
    });
  });

  it('refuses queries that are too deep', async () => {
    expect((await query(acme, DASHBOARD)).errors).toBeUndefined();
    const nested = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }`;
    const refused = await query(acme, nested, {});
    expect(refused.errors?.[0].message).toMatch(/9 levels deep; at most 8 are allowed/);
  });

  it('in production (API_INTROSPECTION auto): no introspection and no field suggestions', async () => {
    const port = await freePort();
    const api = spawnApp('api', {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafkaBrokers,
      API_PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
    });
    apps.push(api);
    await waitForHealthy(`http://127.0.0.1:${port}/health`, api);
    const url = `http://127.0.0.1:${port}/graphql`;
    const introspection = await graphql(url, acme.apiToken, '{ __schema { types { name } } }');
    expect(introspection.errors?.[0].message).toMatch(/introspection/i);
    const typo = await graphql(url, acme.apiToken, '{ teamz { id } }');
    expect(typo.errors?.[0].message).toBeDefined();
    expect(JSON.stringify(typo)).not.toMatch(/Did you mean/);
    const works = await graphql(url, acme.apiToken, '{ teams { id } }');
    expect(works.data).toEqual({ teams: [{ id: 'core' }, { id: 'edge' }] });
  });
});

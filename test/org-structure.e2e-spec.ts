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
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Contract §8 through the real stack. The org chart, three levels deep:
 *   company ─ platform ─ payments      teams: billing (platform), ledger (payments), mover (growth → payments)
 *           └ product  ─ growth        teams: funnel (growth)
 * ledger (6 people) is blocked by funnel, a team in the other branch, for two days.
 */
const W = { from: '2026-03-02T00:00:00Z', to: '2026-03-16T00:00:00Z' }; // two ISO weeks
const EARLY = { from: '2026-03-02T00:00:00Z', to: '2026-03-05T00:00:00Z' }; // before mover moved
const TRIO = ['pm', 'designer', 'engineer'];
const DAY = 86_400_000;

interface Org {
  orgId: string;
  ingestKey: string;
  apiToken: string;
}
type Event = { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
const ev = (id: string, type: string, occurredAt: string, data: Record<string, unknown>): Event => ({
  id,
  type,
  occurredAt,
  data,
});

const recent = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();

function scenario(): Event[] {
  return [
    // the child group arrives before its parent is registered
    ev('g-payments', 'group.registered', '2026-01-01T00:00:00Z', {
      groupId: 'payments',
      name: 'Payments',
      parentId: 'platform',
    }),
    ev('g-platform', 'group.registered', '2026-01-01T00:00:00Z', {
      groupId: 'platform',
      name: 'Platform',
      parentId: 'company',
    }),
    ev('g-company', 'group.registered', '2026-01-01T00:00:00Z', { groupId: 'company', name: 'Company' }),
    ev('g-product', 'group.registered', '2026-01-01T00:00:00Z', {
      groupId: 'product',
      name: 'Product',
      parentId: 'company',
    }),
    ev('g-growth', 'group.registered', '2026-01-01T00:00:00Z', {
      groupId: 'growth',
      name: 'Growth',
      parentId: 'product',
    }),
    ev('t-ledger', 'team.registered', '2026-03-01T00:00:00Z', {
      teamId: 'ledger',
      name: 'Ledger',
      headcount: 6,
      groupId: 'payments',
    }),
    ev('t-funnel', 'team.registered', '2026-03-01T00:00:00Z', {
      teamId: 'funnel',
      name: 'Funnel',
      headcount: 4,
      groupId: 'growth',
    }),
    ev('t-billing', 'team.registered', '2026-03-01T00:00:00Z', {
      teamId: 'billing',
      name: 'Billing',
      headcount: 5,
      groupId: 'platform',
    }),
    ev('t-mover-1', 'team.registered', '2026-03-01T00:00:00Z', {
      teamId: 'mover',
      name: 'Mover',
      headcount: 2,
      groupId: 'growth',
    }),
    ev('t-mover-2', 'team.registered', '2026-03-08T12:00:00Z', {
      teamId: 'mover',
      name: 'Mover',
      headcount: 2,
      groupId: 'payments',
    }),
    // ledger: 48 h × 6 people = 12 idle person-days, blocked by funnel
    ev('b-ledger', 'team.blocked', '2026-03-03T00:00:00Z', {
      teamId: 'ledger',
      reason: 'dependency',
      blockedBy: 'funnel',
    }),
    ev('u-ledger', 'team.unblocked', '2026-03-05T00:00:00Z', { teamId: 'ledger' }),
    // mover: 24 h × 2 = 2, blocked by ledger while still in growth
    ev('b-mover', 'team.blocked', '2026-03-02T12:00:00Z', {
      teamId: 'mover',
      reason: 'dependency',
      blockedBy: 'ledger',
    }),
    ev('u-mover', 'team.unblocked', '2026-03-03T12:00:00Z', { teamId: 'mover' }),
    // billing: 36 h × 5 = 7.5, a decision pending, nobody named
    ev('b-billing', 'team.blocked', '2026-03-10T00:00:00Z', {
      teamId: 'billing',
      reason: 'decision-pending',
    }),
    ev('u-billing', 'team.unblocked', '2026-03-11T12:00:00Z', { teamId: 'billing' }),
    ev('i-funnel-1', 'discovery.interview-held', '2026-03-03T10:00:00Z', {
      teamId: 'funnel',
      participantRoles: TRIO,
    }),
    ev('i-funnel-2', 'discovery.interview-held', '2026-03-04T10:00:00Z', {
      teamId: 'funnel',
      participantRoles: ['pm', 'engineer'],
    }),
    ev('i-ledger', 'discovery.interview-held', '2026-03-06T10:00:00Z', {
      teamId: 'ledger',
      participantRoles: [...TRIO, 'leader'],
    }),
    ev('s-billing-1', 'delivery.shipped', '2026-03-09T10:00:00Z', { teamId: 'billing' }),
    ev('s-billing-2', 'delivery.shipped', '2026-03-12T10:00:00Z', { teamId: 'billing' }),
    ev('s-mover', 'delivery.shipped', '2026-03-10T10:00:00Z', { teamId: 'mover' }),
    // reporting lines: vp ← em ← {e1, e2}; 1:1s vp–em and em–e1 two days ago
    ev('p-vp', 'person.registered', '2026-01-01T00:00:00Z', {
      personId: 'vp',
      role: 'leader',
      managerId: null,
    }),
    ev('p-em', 'person.registered', '2026-01-01T00:00:00Z', {
      personId: 'em',
      role: 'engineering-manager',
      managerId: 'vp',
    }),
    ev('p-e1', 'person.registered', '2026-01-01T00:00:00Z', {
      personId: 'e1',
      role: 'engineer',
      managerId: 'em',
    }),
    ev('p-e2', 'person.registered', '2026-01-01T00:00:00Z', {
      personId: 'e2',
      role: 'engineer',
      managerId: 'em',
    }),
    ev('o-vp-em', 'one-on-one.held', recent(2), { managerId: 'vp', reportId: 'em' }),
    ev('o-em-e1', 'one-on-one.held', recent(2), { managerId: 'em', reportId: 'e1' }),
  ];
}

const overview = 'teams blockedTeams idlePersonDays idleCost blockedHours interviews trioInterviews ships';
const FIGURES = `query ($w: Window!, $early: Window!) {
  org: orgOverview(window: $w) { ${overview} }
  company: group(id: "company") { name parent { id } children { id } overview(window: $w) { ${overview} } }
  platform: group(id: "platform") { name parent { id } children { id }
    all: teams { id } own: teams(recursive: false) { id } overview(window: $w) { ${overview} } }
  payments: orgOverview(window: $w, groupId: "payments") { ${overview} }
  product: orgOverview(window: $w, groupId: "product") { ${overview} }
  growth: group(id: "growth") { overview(window: $w) { ${overview} } weeklyTrend(window: $w) { weekStart idlePersonDays interviews ships } }
  paymentsTrend: groupWeeklyTrend(groupId: "payments", window: $w) { weekStart idlePersonDays interviews ships }
  growthEarly: orgOverview(window: $early, groupId: "growth") { teams idlePersonDays blockedHours }
  paymentsEarly: orgOverview(window: $early, groupId: "payments") { teams idlePersonDays blockedHours }
  edges: blockingEdges(window: $w) { blockingTeamId blockedTeamId blockedHours idlePersonDays }
  growthEdges: blockingEdges(window: $w, groupId: "growth") { blockingTeamId }
  growthEarlyEdges: blockingEdges(window: $early, groupId: "growth") { blockingTeamId blockedTeamId }
  ledger: team(id: "ledger") { idleness(window: $w) { idlePersonDays idleCost } discovery(window: $w) { interviews trioInterviews trioShare } }
  funnel: team(id: "funnel") { discovery(window: $w) { interviews trioInterviews trioShare } }
  vp: manager(id: "vp") { subtree { people managers oneOnOneCoverage } }
  groups { id name }
}`;

const roll = (f: Record<string, number | null>) => ({ blockedTeams: 0, ...f });
// Hand-computed (price 500 EUR per idle person-day).
const EXPECTED = {
  org: roll({
    teams: 4,
    idlePersonDays: 21.5,
    idleCost: 10750,
    blockedHours: 108,
    interviews: 3,
    trioInterviews: 2,
    ships: 3,
  }),
  company: {
    name: 'Company',
    parent: null,
    children: [{ id: 'platform' }, { id: 'product' }],
    overview: roll({
      teams: 4,
      idlePersonDays: 21.5,
      idleCost: 10750,
      blockedHours: 108,
      interviews: 3,
      trioInterviews: 2,
      ships: 3,
    }),
  },
  platform: {
    name: 'Platform',
    parent: { id: 'company' },
    children: [{ id: 'payments' }],
    all: [{ id: 'billing' }, { id: 'ledger' }, { id: 'mover' }],
    own: [{ id: 'billing' }],
    overview: roll({
      teams: 3,
      idlePersonDays: 21.5,
      idleCost: 10750,
      blockedHours: 108,
      interviews: 1,
      trioInterviews: 1,
      ships: 3,
    }),
  },
  // mover counts in payments at min(to, now): its earlier block (in growth) goes with it
  payments: roll({
    teams: 2,
    idlePersonDays: 14,
    idleCost: 7000,
    blockedHours: 72,
    interviews: 1,
    trioInterviews: 1,
    ships: 1,
  }),
  product: roll({
    teams: 1,
    idlePersonDays: 0,
    idleCost: 0,
    blockedHours: 0,
    interviews: 2,
    trioInterviews: 1,
    ships: 0,
  }),
  growth: {
    overview: roll({
      teams: 1,
      idlePersonDays: 0,
      idleCost: 0,
      blockedHours: 0,
      interviews: 2,
      trioInterviews: 1,
      ships: 0,
    }),
    // each week counts the group's teams at its end: mover had left growth by 2026-03-09
    weeklyTrend: [
      { weekStart: '2026-03-02T00:00:00.000Z', idlePersonDays: 0, interviews: 2, ships: 0 },
      { weekStart: '2026-03-09T00:00:00.000Z', idlePersonDays: 0, interviews: 0, ships: 0 },
    ],
  },
  paymentsTrend: [
    { weekStart: '2026-03-02T00:00:00.000Z', idlePersonDays: 14, interviews: 1, ships: 0 },
    { weekStart: '2026-03-09T00:00:00.000Z', idlePersonDays: 0, interviews: 0, ships: 1 },
  ],
  // before the move (t = 2026-03-05), mover counts where it was: in growth
  growthEarly: { teams: 2, idlePersonDays: 2, blockedHours: 24 },
  paymentsEarly: { teams: 1, idlePersonDays: 12, blockedHours: 48 },
  edges: [
    { blockingTeamId: 'funnel', blockedTeamId: 'ledger', blockedHours: 48, idlePersonDays: 12 },
    { blockingTeamId: 'ledger', blockedTeamId: 'mover', blockedHours: 24, idlePersonDays: 2 },
  ],
  growthEdges: [],
  growthEarlyEdges: [{ blockingTeamId: 'ledger', blockedTeamId: 'mover' }],
  ledger: {
    idleness: { idlePersonDays: 12, idleCost: 6000 },
    discovery: { interviews: 1, trioInterviews: 1, trioShare: 1 },
  },
  funnel: { discovery: { interviews: 2, trioInterviews: 1, trioShare: 0.5 } },
  // people below vp: em, e1, e2; em has reports; pairs (vp,em) (em,e1) (em,e2), two with a recent 1:1
  vp: { subtree: { people: 3, managers: 1, oneOnOneCoverage: 2 / 3 } },
  groups: [
    { id: 'company', name: 'Company' },
    { id: 'growth', name: 'Growth' },
    { id: 'payments', name: 'Payments' },
    { id: 'platform', name: 'Platform' },
    { id: 'product', name: 'Product' },
  ],
};

/** A deterministic shuffle (mulberry32), so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('org structure, roll-ups, blocking edges, cost and scoped tokens (contract §8, real stack)', () => {
  jest.setTimeout(300_000);
  const { kafkaBrokers } = testEnvironment();
  let db: TestDatabase;
  const apps: SpawnedProcess[] = [];
  const sockets: Client[] = [];
  let ingestUrl: string;
  let apiUrl: string;
  let apiPort: number;
  let inOrder: Org;
  let shuffledOrg: Org;

  const newOrg = async (name: string) =>
    JSON.parse((await runCli(['org', 'create', '--name', name], { DATABASE_URL: db.url })).stdout) as Org;
  const query = <T = Record<string, unknown>>(
    token: string,
    q: string,
    variables: Record<string, unknown> = {},
  ) => graphql<T>(apiUrl, token, q, variables);
  const figures = (org: Org) => query(org.apiToken, FIGURES, { w: W, early: EARLY });
  const settle = async (org: Org) =>
    eventually(
      async () => {
        const answer = await figures(org);
        expect(answer.errors).toBeUndefined();
        expect(answer.data).toEqual(EXPECTED);
      },
      { timeoutMs: 120_000 },
    );
  const priced = async (org: Org) => {
    const set = await query(
      org.apiToken,
      'mutation { updateSettings(input: { idleCostPerPersonDay: 500, currency: "EUR" }) { idleCostPerPersonDay currency } }',
    );
    expect(set.data).toEqual({ updateSettings: { idleCostPerPersonDay: 500, currency: 'EUR' } });
  };

  beforeAll(async () => {
    db = await TestDatabase.create('org_structure');
    const [ingestPort, projectorPort, alerterPort] = await freePorts(3);
    apiPort = await freePort();
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    const common = { DATABASE_URL: db.url, KAFKA_BROKERS: kafkaBrokers, HOST: '127.0.0.1' };
    apps.push(
      spawnApp('ingest', { ...common, INGEST_PORT: String(ingestPort), INGEST_RATE_LIMIT_PER_SECOND: '0' }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_GROUP_ID: `org-structure-${projectorPort}`,
      }),
      // introspection lists every root field the scoped token is tried with
      spawnApp('api', { ...common, API_PORT: String(apiPort), API_INTROSPECTION: 'on' }),
      spawnApp('alerter', { ...common, ALERTER_PORT: String(alerterPort), ALERTER_INTERVAL_MS: '1000' }),
    );
    await waitForHealthy(`${ingestUrl}/health`, apps[0]);
    await waitForHealthy(`http://127.0.0.1:${projectorPort}/health`, apps[1]);
    await waitForHealthy(`http://127.0.0.1:${apiPort}/health`, apps[2]);
    await waitForHealthy(`http://127.0.0.1:${alerterPort}/health`, apps[3]);

    inOrder = await newOrg('Structure in order');
    shuffledOrg = await newOrg('Structure shuffled');
    await Promise.all([priced(inOrder), priced(shuffledOrg)]);
    expect((await postEvents(ingestUrl, scenario(), { key: inOrder.ingestKey })).status).toBe(202);
    // The same events one or two at a time in a shuffled order: parents after children, unblocks
    // before blocks, the move before the first registration.
    const events = shuffled(scenario(), 13);
    for (let i = 0; i < events.length; i += 2)
      expect(
        (await postEvents(ingestUrl, events.slice(i, i + 2), { key: shuffledOrg.ingestKey })).status,
      ).toBe(202);
  });

  afterAll(async () => {
    for (const socket of sockets) await socket.dispose();
    await Promise.all(apps.map((a) => a.stop()));
    await db.drop();
  });

  it('answers the roll-ups at every level, blocking edges, idle cost, trio share and manager subtree as computed by hand', async () => {
    await settle(inOrder);
  });

  it('answers the same after the events came one by one in a shuffled order', async () => {
    await settle(shuffledOrg);
  });

  it('answers the same after a rebuild of every read model from the event store', async () => {
    const rebuilt = await runCli(['projections', 'rebuild'], { DATABASE_URL: db.url });
    expect(rebuilt.code).toBe(0);
    for (const org of [inOrder, shuffledOrg]) {
      const answer = await figures(org);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual(EXPECTED);
    }
  });

  describe('a viewer token scoped to platform sees the org as if it held only platform’s subtree', () => {
    let scoped: string;
    let whole: string;
    const outside = ['funnel', 'growth', 'product', 'company', 'vp', 'em', 'e1', 'e2'];

    beforeAll(async () => {
      // an open block now in each branch: TEAM_IDLE alerts for billing (inside) and funnel (outside)
      const blocks = [
        ev('now-b-billing', 'team.blocked', recent(3), { teamId: 'billing', reason: 'environment' }),
        ev('now-b-funnel', 'team.blocked', recent(3), { teamId: 'funnel', reason: 'environment' }),
      ];
      expect((await postEvents(ingestUrl, blocks, { key: inOrder.ingestKey })).status).toBe(202);
      const created = (role: string, extra: string[] = []) =>
        runCli(['token', 'create', '--org', inOrder.orgId, '--role', role, ...extra], {
          DATABASE_URL: db.url,
        });
      scoped = (JSON.parse((await created('viewer', ['--group', 'platform'])).stdout) as { apiToken: string })
        .apiToken;
      whole = (JSON.parse((await created('viewer')).stdout) as { apiToken: string }).apiToken;
      await eventually(
        async () => {
          const { data } = await query<{ alerts: { rule: string; subjectId: string }[] }>(
            whole,
            '{ alerts(status: OPEN) { rule subjectId } }',
          );
          const idle = data?.alerts
            .filter((a) => a.rule === 'TEAM_IDLE')
            .map((a) => a.subjectId)
            .sort();
          expect(idle).toEqual(['billing', 'funnel']);
        },
        { timeoutMs: 60_000 },
      );
    });

    // Every root field of the schema, tried with ids from the other branch. A new root field fails
    // the completeness check below until it is tried here.
    const TRIED: Record<string, { q: string; expected: unknown }> = {
      team: {
        q: '{ a: team(id: "funnel") { id } b: team(id: "ledger") { id } }',
        expected: { a: null, b: { id: 'ledger' } },
      },
      teams: {
        q: '{ all: teams { id } otherBranch: teams(groupId: "growth") { id } }',
        expected: { all: [{ id: 'billing' }, { id: 'ledger' }, { id: 'mover' }], otherBranch: [] },
      },
      group: {
        q: '{ other: group(id: "growth") { id } top: group(id: "company") { id } platform: group(id: "platform") { id parent { id } children { id } } }',
        expected: {
          other: null,
          top: null,
          platform: { id: 'platform', parent: null, children: [{ id: 'payments' }] },
        },
      },
      teamsConnection: {
        q: `{ all: teamsConnection(first: 2) { totalCount edges { node { id } } pageInfo { hasNextPage } }
          otherBranch: teamsConnection(groupId: "growth") { totalCount edges { node { id } } } }`,
        expected: {
          all: {
            totalCount: 3,
            edges: [{ node: { id: 'billing' } }, { node: { id: 'ledger' } }],
            pageInfo: { hasNextPage: true },
          },
          otherBranch: { totalCount: 0, edges: [] },
        },
      },
      groups: { q: '{ groups { id } }', expected: { groups: [{ id: 'payments' }, { id: 'platform' }] } },
      groupsConnection: {
        q: '{ groupsConnection { totalCount edges { node { id } } } }',
        expected: {
          groupsConnection: {
            totalCount: 2,
            edges: [{ node: { id: 'payments' } }, { node: { id: 'platform' } }],
          },
        },
      },
      orgOverview: {
        q: `query ($w: Window!) { mine: orgOverview(window: $w) { teams idlePersonDays }
          other: orgOverview(window: $w, groupId: "growth") { teams idlePersonDays interviews }
          top: orgOverview(window: $w, groupId: "company") { teams idlePersonDays interviews } }`,
        expected: {
          mine: { teams: 3, idlePersonDays: 21.5 },
          other: { teams: 0, idlePersonDays: 0, interviews: 0 },
          top: { teams: 0, idlePersonDays: 0, interviews: 0 },
        },
      },
      groupWeeklyTrend: {
        q: `query ($w: Window!) { groupWeeklyTrend(groupId: "growth", window: $w) { interviews ships } }`,
        expected: {
          groupWeeklyTrend: [
            { interviews: 0, ships: 0 },
            { interviews: 0, ships: 0 },
          ],
        },
      },
      // the org's latest event may lie outside the subtree
      dataFreshness: {
        q: '{ dataFreshness { lastEventProjectedAt projectionLagSeconds } }',
        expected: { dataFreshness: { lastEventProjectedAt: null, projectionLagSeconds: null } },
      },
      blockingEdges: {
        q: `query ($w: Window!) { all: blockingEdges(window: $w) { blockedTeamId } other: blockingEdges(window: $w, groupId: "growth") { blockedTeamId } }`,
        expected: { all: [{ blockedTeamId: 'ledger' }, { blockedTeamId: 'mover' }], other: [] },
      },
      blockingEdgesConnection: {
        q: `query ($w: Window!) { blockingEdgesConnection(window: $w) { totalCount edges { node { blockedTeamId } } } }`,
        expected: {
          blockingEdgesConnection: {
            totalCount: 2,
            edges: [{ node: { blockedTeamId: 'ledger' } }, { node: { blockedTeamId: 'mover' } }],
          },
        },
      },
      manager: {
        q: '{ boss: manager(id: "vp") { id } lead: manager(id: "em") { id } }',
        expected: { boss: null, lead: null },
      },
      managers: { q: '{ managers { id } }', expected: { managers: [] } },
      managersConnection: {
        q: '{ managersConnection { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }',
        expected: {
          managersConnection: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
        },
      },
      // contract §13: a group-scoped token sees no people
      person: {
        q: '{ boss: person(id: "vp") { id name } one: person(id: "e1") { id } }',
        expected: { boss: null, one: null },
      },
      people: {
        q: '{ people { id } engineers: people(role: "engineer") { id } }',
        expected: { people: [], engineers: [] },
      },
      peopleConnection: {
        q: '{ peopleConnection(role: "engineer") { totalCount edges { node { id } } pageInfo { hasNextPage } } }',
        expected: { peopleConnection: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false } } },
      },
      alerts: {
        q: '{ alerts(status: OPEN) { rule subjectId } }',
        expected: 'only team alerts of billing, ledger and mover',
      },
      alertsConnection: {
        q: '{ alertsConnection(status: OPEN) { totalCount edges { node { rule subjectId } } } }',
        expected: 'only team alerts of billing, ledger and mover',
      },
      settings: { q: '{ settings { currency } }', expected: { settings: { currency: 'EUR' } } },
      webhooks: { q: '{ webhooks { id } }', expected: 'FORBIDDEN' },
      integrations: { q: '{ integrations { id } }', expected: 'FORBIDDEN' },
      integration: {
        q: '{ integration(id: "00000000-0000-4000-8000-000000000000") { id } }',
        expected: 'FORBIDDEN',
      },
    };

    it('is refused an admin token scope, and every root field of the schema is tried', async () => {
      const admin = await runCli(
        ['token', 'create', '--org', inOrder.orgId, '--role', 'admin', '--group', 'platform'],
        {
          DATABASE_URL: db.url,
        },
      );
      expect(admin.code).toBe(2);
      const schema = await query<{ __schema: { queryType: { fields: { name: string }[] } } }>(
        inOrder.apiToken,
        '{ __schema { queryType { fields { name } } } }',
      );
      expect(schema.data?.__schema.queryType.fields.map((f) => f.name).sort()).toEqual(
        Object.keys(TRIED).sort(),
      );
    });

    it.each(Object.keys(TRIED))('%s never shows what lies outside the subtree', async (field) => {
      const { q, expected } = TRIED[field];
      const answer = await query<Record<string, unknown>>(scoped, q, { w: W });
      const text = JSON.stringify(answer);
      if (expected === 'FORBIDDEN') {
        expect(answer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      } else if (field === 'alerts' || field === 'alertsConnection') {
        type Alert = { rule: string; subjectId: string };
        const data = answer.data as {
          alerts?: Alert[];
          alertsConnection?: { totalCount: number; edges: { node: Alert }[] };
        };
        const alerts = data.alerts ?? data.alertsConnection?.edges.map((e) => e.node) ?? [];
        if (data.alertsConnection) expect(data.alertsConnection.totalCount).toBe(alerts.length);
        expect(alerts.length).toBeGreaterThan(0);
        expect(
          alerts.map((a) => a.subjectId).filter((s) => !['billing', 'ledger', 'mover'].includes(s)),
        ).toEqual([]);
        expect(
          alerts
            .map((a) => a.rule)
            .filter((r) => !['TEAM_IDLE', 'TEAM_STALLED', 'DISCOVERY_LAPSED'].includes(r)),
        ).toEqual([]);
        expect(alerts).toContainEqual({ rule: 'TEAM_IDLE', subjectId: 'billing' });
      } else {
        expect(answer.errors).toBeUndefined();
        expect(answer.data).toEqual(expected);
      }
      // blocking edges name the blocking team of a blocked team inside (funnel blocks ledger): allowed
      for (const id of outside) if (field !== 'blockingEdges') expect(text).not.toContain(`"${id}"`);
    });

    it('alertChanged pushes the changes of teams inside the subtree only', async () => {
      const subscribe = (token: string, into: { subjectId: string; status: string }[]) =>
        new Promise<void>((resolve, reject) => {
          const client = createClient({
            url: `ws://127.0.0.1:${apiPort}/graphql`,
            webSocketImpl: WebSocket,
            connectionParams: { authorization: `Bearer ${token}` },
          });
          sockets.push(client);
          client.subscribe<{ alertChanged: { subjectId: string; status: string } }>(
            { query: 'subscription { alertChanged { subjectId status } }' },
            {
              next: (v) => v.data && into.push(v.data.alertChanged),
              error: reject,
              complete: () => undefined,
            },
          );
          client.on('connected', () => resolve());
        });
      const scopedSeen: { subjectId: string; status: string }[] = [];
      const wholeSeen: { subjectId: string; status: string }[] = [];
      await Promise.all([subscribe(scoped, scopedSeen), subscribe(whole, wholeSeen)]);
      const unblocks = [
        ev('now-u-funnel', 'team.unblocked', recent(0.01), { teamId: 'funnel' }),
        ev('now-u-billing', 'team.unblocked', recent(0.01), { teamId: 'billing' }),
      ];
      expect((await postEvents(ingestUrl, unblocks, { key: inOrder.ingestKey })).status).toBe(202);
      await eventually(
        () => {
          expect(wholeSeen).toContainEqual({ subjectId: 'funnel', status: 'RESOLVED' });
          expect(wholeSeen).toContainEqual({ subjectId: 'billing', status: 'RESOLVED' });
          expect(scopedSeen).toContainEqual({ subjectId: 'billing', status: 'RESOLVED' });
        },
        { timeoutMs: 60_000 },
      );
      expect(scopedSeen.filter((a) => !['billing', 'ledger', 'mover'].includes(a.subjectId))).toEqual([]);
    });
  });
});

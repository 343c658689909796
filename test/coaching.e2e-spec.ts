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
 * The coaching loop (contract §14) through HTTP ingest, Kafka, the projector and GraphQL, for a small org
 * whose figures are computed by hand below.
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

const ev = (id: string, type: string, days: number, data: Record<string, unknown>) => ({
  id,
  type,
  occurredAt: at(days),
  data,
});
const person = (id: string, managerId: string | null) =>
  ev(`p-${id}`, 'person.registered', -1, { personId: id, name: id.toUpperCase(), role: 'pm', managerId });
const plan = (id: string, days: number, personId: string, competencies: Record<string, number>) =>
  ev(id, 'coaching.plan-set', days, {
    personId,
    managerId: 'mia',
    competencies: Object.entries(competencies).map(([name, target]) => ({ name, target })),
  });
const oneOnOne = (
  id: string,
  days: number,
  managerId: string,
  reportId: string,
  ratings?: Record<string, number>,
) =>
  ev(id, 'one-on-one.held', days, {
    managerId,
    reportId,
    ...(ratings
      ? { ratings: Object.entries(ratings).map(([competency, level]) => ({ competency, level })) }
      : {}),
  });

const COACHING = `coaching(asOf: $asOf) { planSetAt averageGap ratedShare lastRatedAt
  competencies { competency target level ratedAt gap } }`;
const QUERY = `query ($asOf: DateTime, $w: Window) {
  ana: person(id: "ana") { ${COACHING} }
  bo: person(id: "bo") { ${COACHING} }
  cy: person(id: "cy") { ${COACHING} }
  manager(id: "mia") { coaching(asOf: $asOf, window: $w) {
    reports planCoverage weakest { person { id name } averageGap } oneOnOnes ratedOneOnOnes ratingShare } }
}`;

describe('the coaching loop through ingest and GraphQL (contract §14)', () => {
  jest.setTimeout(300_000);
  const { kafkaBrokers } = testEnvironment();
  let db: TestDatabase;
  const apps: SpawnedProcess[] = [];
  let ingestUrl: string;
  let apiUrl: string;
  let org: Org;

  const post = async (events: unknown[]) =>
    expect((await postEvents(ingestUrl, events, { key: org.ingestKey })).status).toBe(202);
  const ask = (variables: Record<string, unknown>) =>
    graphql<Record<string, unknown>>(apiUrl, org.apiToken, QUERY, variables);

  beforeAll(async () => {
    db = await TestDatabase.create('coaching');
    const [ingestPort, apiPort, projectorPort] = await freePorts(3);
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    const common = { KAFKA_BROKERS: kafkaBrokers, HOST: '127.0.0.1', DATABASE_URL: db.url };
    apps.push(
      spawnApp('ingest', { ...common, INGEST_PORT: String(ingestPort), INGEST_RATE_LIMIT_PER_SECOND: '0' }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_GROUP_ID: `coaching-${projectorPort}`,
      }),
      spawnApp('api', { ...common, API_PORT: String(apiPort), API_RESULT_CACHE_MS: '0' }),
    );
    await waitForHealthy(`${ingestUrl}/health`, apps[0]);
    await waitForHealthy(`http://127.0.0.1:${projectorPort}/health`, apps[1]);
    await waitForHealthy(`http://127.0.0.1:${apiPort}/health`, apps[2]);
    org = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Coached'], { DATABASE_URL: db.url })).stdout,
    ) as Org;
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await db?.drop();
  });

  it('computes every figure as by hand: plans, levels from any manager, gaps, coverage, the weakest report, the rating share', async () => {
    await post([
      person('mia', null),
      person('ana', 'mia'),
      person('bo', 'mia'),
      person('cy', 'mia'),
      plan('plan-ana', 0, 'ana', { discovery: 4, delivery: 3 }),
      plan('plan-cy', 0, 'cy', { discovery: 2 }),
      oneOnOne('o1', 1, 'mia', 'ana', { discovery: 2 }),
      oneOnOne('o2', 2, 'raj', 'ana', { delivery: 3 }), // another manager's rating counts
      oneOnOne('o3', 3, 'mia', 'cy'), // no ratings
      oneOnOne('o4', 4, 'mia', 'ana', { hiring: 5 }), // not in her plan: a rated 1:1, no level of the plan
    ]);
    const now = { asOf: null, w: { from: at(0), to: at(21) } };
    await eventually(async () => {
      const answer = await ask(now);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({
        // gaps: discovery 4 − 2 = 2, delivery 3 − 3 = 0
        ana: {
          coaching: {
            planSetAt: at(0),
            averageGap: 1,
            ratedShare: 1,
            lastRatedAt: at(2),
            competencies: [
              { competency: 'discovery', target: 4, level: 2, ratedAt: at(1), gap: 2 },
              { competency: 'delivery', target: 3, level: 3, ratedAt: at(2), gap: 0 },
            ],
          },
        },
        bo: { coaching: null },
        cy: {
          coaching: {
            planSetAt: at(0),
            averageGap: 2,
            ratedShare: 0,
            lastRatedAt: null,
            competencies: [{ competency: 'discovery', target: 2, level: null, ratedAt: null, gap: 2 }],
          },
        },
        // three reports, two with a plan; cy's gap 2 beats ana's 1; mia held o1, o3, o4, two of them rated
        manager: {
          coaching: {
            reports: 3,
            planCoverage: 2 / 3,
            weakest: { person: { id: 'cy', name: 'CY' }, averageGap: 2 },
            oneOnOnes: 3,
            ratedOneOnOnes: 2,
            ratingShare: 2 / 3,
          },
        },
      });
    });

    // as of day 1.5: ana's plan with day 1's level only; the window up to then holds o1 alone
    const past = await ask({ asOf: at(1.5), w: { from: at(0), to: at(1.5) } });
    expect(past.data).toMatchObject({
      ana: { coaching: { averageGap: 2.5, ratedShare: 0.5, lastRatedAt: at(1) } },
      manager: { coaching: { oneOnOnes: 1, ratedOneOnOnes: 1, ratingShare: 1 } },
    });
  });

  it('a late plan posted last ties bo with cy: the weakest is the smallest id; a replaced plan counts from its time', async () => {
    await post([
      plan('plan-bo', 0.5, 'bo', { discovery: 3, delivery: 3 }), // late: dated before events already in
      oneOnOne('o5', 5, 'mia', 'bo', { discovery: 2, delivery: 2 }), // gaps 1 and 1 ... then
      plan('plan-bo-2', 6, 'bo', { discovery: 4 }), // replaced: gap 4 − 2 = 2, ties cy's 2
    ]);
    await eventually(async () => {
      const answer = await ask({ asOf: null, w: { from: at(0), to: at(21) } });
      expect(answer.data).toMatchObject({
        bo: {
          coaching: {
            planSetAt: at(6),
            averageGap: 2,
            competencies: [{ competency: 'discovery', target: 4, level: 2, ratedAt: at(5), gap: 2 }],
          },
        },
        manager: {
          coaching: {
            reports: 3,
            planCoverage: 1,
            weakest: { person: { id: 'bo' }, averageGap: 2 },
            oneOnOnes: 4,
          },
        },
      });
    });
    // before the replacement, bo's first plan: gaps 1 and 1
    expect((await ask({ asOf: at(5.5), w: { from: at(0), to: at(5.5) } })).data).toMatchObject({
      bo: { coaching: { planSetAt: at(0.5), averageGap: 1, ratedShare: 1 } },
      manager: { coaching: { weakest: { person: { id: 'cy' }, averageGap: 2 } } },
    });
  });

  it('refuses bad ratings and plans with what and where, and stores none of the request', async () => {
    const response = await postEvents(
      ingestUrl,
      [oneOnOne('bad-1', 7, 'mia', 'ana', { discovery: 6 }), plan('bad-2', 7, 'ana', { discovery: 1 })],
      { key: org.ingestKey },
    );
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('data.ratings.0.level');
    const answer = await ask({ asOf: null, w: { from: at(0), to: at(21) } });
    expect(answer.data).toMatchObject({ ana: { coaching: { planSetAt: at(0) } } });
  });
});

/// <reference lib="dom" />
// the callbacks given to page.evaluate / $$eval run in the browser
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
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';

/**
 * The leadership page's coaching panel and person view (contract §14) in headless Chromium, for a
 * small org posted through ingest whose figures are computed by hand below.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(__dirname, '..', 'test-results', 'coaching-page');
const D0 = Math.floor((Date.now() - 10 * DAY) / HOUR) * HOUR;
const at = (days: number) => new Date(D0 + days * DAY).toISOString();
/** The UTC day after the one holding t: a window's bound that falls between t and a day later. */
const nextDay = (iso: string) => new Date(Date.parse(iso.slice(0, 10)) + DAY).toISOString().slice(0, 10);

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
const person = (id: string, name: string, managerId: string | null) =>
  ev(`p-${id}`, 'person.registered', -1, { personId: id, name, role: 'pm', managerId });
const plan = (personId: string, competencies: Record<string, number>) =>
  ev(`plan-${personId}`, 'coaching.plan-set', 0, {
    personId,
    managerId: 'mia',
    competencies: Object.entries(competencies).map(([name, target]) => ({ name, target })),
  });
const oneOnOne = (id: string, days: number, reportId: string, ratings?: Record<string, number>) =>
  ev(id, 'one-on-one.held', days, {
    managerId: 'mia',
    reportId,
    ...(ratings
      ? { ratings: Object.entries(ratings).map(([competency, level]) => ({ competency, level })) }
      : {}),
  });

const EVENTS = [
  ev('g-platform', 'group.registered', -1, { groupId: 'platform', name: 'Platform' }),
  person('mia', 'Mia Wong', null),
  person('ana', 'Ana Lima', 'mia'),
  person('bo', 'Bo Chen', 'mia'),
  person('cy', 'Cy Park', 'mia'),
  plan('ana', { discovery: 4, delivery: 3 }),
  plan('cy', { discovery: 2, hiring: 3 }),
  oneOnOne('o1', 1, 'ana', { discovery: 2, delivery: 3 }),
  oneOnOne('o2', 2, 'cy', { discovery: 1 }),
  oneOnOne('o3', 3, 'bo'),
  oneOnOne('o4', 4, 'ana'),
];
// ana: gaps 4 − 2 = 2 and 3 − 3 = 0, average 1; cy: 2 − 1 = 1 and hiring not rated, 3, average 2;
// bo has no plan: coverage 2 of 3, the weakest is cy; o1 and o2 of the four 1:1s are rated
const MIA = {
  reports: 3,
  planCoverage: 2 / 3,
  weakest: { person: { id: 'cy', name: 'Cy Park' }, averageGap: 2 },
  oneOnOnes: 4,
  ratedOneOnOnes: 2,
  ratingShare: 0.5,
};

describe('the coaching panel and person view of the leadership page (contract §14)', () => {
  jest.setTimeout(180_000);
  const { kafkaBrokers } = testEnvironment();
  let db: TestDatabase;
  const apps: SpawnedProcess[] = [];
  let base: string;
  let org: Org;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  const tableRows = (name: string) =>
    page.$$eval(`[data-table="${name}"] tbody tr`, (rows) =>
      rows.map((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.dataset.raw ?? '')),
    );
  const tableText = (name: string) =>
    page.$$eval(`[data-table="${name}"] tbody tr`, (rows) =>
      rows.map((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.textContent)),
    );
  /** Opens the page at a view and waits for a render newer than the one on screen. */
  const open = async (search: string, token = org.apiToken) => {
    await page.goto(`${base}/${search}#token=${encodeURIComponent(token)}`);
    await page.waitForFunction(() => document.body.dataset.loaded !== undefined);
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    db = await TestDatabase.create('coaching_page');
    const [ingestPort, projectorPort, apiPort] = await freePorts(3);
    const ingestUrl = `http://127.0.0.1:${ingestPort}`;
    base = `http://127.0.0.1:${apiPort}`;
    const common = { KAFKA_BROKERS: kafkaBrokers, HOST: '127.0.0.1', DATABASE_URL: db.url };
    apps.push(
      spawnApp('ingest', { ...common, INGEST_PORT: String(ingestPort), INGEST_RATE_LIMIT_PER_SECOND: '0' }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_GROUP_ID: `coaching-page-${projectorPort}`,
      }),
      spawnApp('api', { ...common, API_PORT: String(apiPort), API_RESULT_CACHE_MS: '0' }),
    );
    await Promise.all([
      waitForHealthy(`${ingestUrl}/health`, apps[0]),
      waitForHealthy(`http://127.0.0.1:${projectorPort}/health`, apps[1]),
      waitForHealthy(`${base}/health`, apps[2]),
    ]);
    org = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Coached'], { DATABASE_URL: db.url })).stdout,
    ) as Org;
    expect((await postEvents(ingestUrl, EVENTS, { key: org.ingestKey })).status).toBe(202);
    await eventually(async () => {
      const answer = await graphql<{ manager: { coaching: unknown } | null }>(
        `${base}/graphql`,
        org.apiToken,
        `
          query ($w: Window!) {
            manager(id: "mia") {
              coaching(window: $w) {
                reports
                planCoverage
                weakest {
                  person {
                    id
                    name
                  }
                  averageGap
                }
                oneOnOnes
                ratedOneOnOnes
                ratingShare
              }
            }
          }
        `,
        { w: { from: at(-1), to: at(10) } },
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.manager?.coaching).toEqual(MIA);
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e.stack ?? e)));
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(apps.map((a) => a.stop()));
    await db?.drop();
  });

  afterEach(() => expect(consoleErrors).toEqual([]));

  it('shows per manager the plan coverage, the weakest report with their average gap, and the rating share', async () => {
    await open('?window=4w');
    expect(await page.isVisible('#coaching')).toBe(true);
    expect(await tableRows('coaching')).toEqual([
      ['Mia Wong', '3', String(2 / 3), 'Cy Park', '2', '4', '2', '0.5'],
    ]);
    expect(await tableText('coaching')).toEqual([['Mia Wong', '3', '67%', 'Cy Park', '2', '4', '2', '50%']]);
    expect(await page.$$eval('#coaching th', (ths) => ths.map((th) => th.textContent))).toEqual([
      'Manager',
      'Reports',
      'Plan coverage',
      'Weakest report',
      'Their average gap',
      '1:1s',
      'Rated 1:1s',
      'Rating share',
    ]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#coaching-table .csv')]);
    expect(download.suggestedFilename()).toBe('coaching.csv');
    await page.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });
  });

  it("counts the 1:1s of the page's window: o3 and o4 alone, neither rated", async () => {
    // from after o2 (day 2) to after o4 (day 4), each within a day of it: o3 and o4 inside
    await open(`?window=custom&from=${nextDay(at(2))}&to=${nextDay(at(4))}`);
    const [row] = await tableRows('coaching');
    expect(row.slice(5)).toEqual(['2', '0', '0']);
    expect(row.slice(0, 5)).toEqual(['Mia Wong', '3', String(2 / 3), 'Cy Park', '2']);
  });

  it('opens the weakest report: their competencies with target, level or not rated, gap and when rated', async () => {
    await open('?window=4w');
    await page.click('[data-table="coaching"] a:text("Cy Park")');
    await page.waitForSelector('#person-page:not([hidden]) [data-table="person-cy-coaching"]');
    expect(page.url()).toContain('person=cy');
    expect(await page.textContent('#person-h')).toBe('Cy Park');
    expect(await tableRows('person-cy-coaching')).toEqual([
      ['discovery', '2', '1', '1', at(2)],
      ['hiring', '3', '', '3', ''],
    ]);
    expect(await tableText('person-cy-coaching')).toEqual([
      ['discovery', '2', '1', '1', at(2).slice(0, 16).replace('T', ' ')],
      ['hiring', '3', 'not rated', '3', 'not rated'],
    ]);
    expect(await page.textContent('#person-figures [data-figure="averageGap"] dd')).toBe('2');
    expect(await page.textContent('#person-figures [data-figure="ratedShare"] dd')).toBe('50%');
    await page.screenshot({ path: join(SHOTS, 'person.png'), fullPage: true });
    // Escape goes back to the dashboard, and Enter on a coaching row opens its weakest report
    // the dashboard shows at once and its rows are replaced when its data arrives: a row focused before
    // that is gone, so the Enter below waits for the reload
    const before = await page.evaluate(() => document.body.dataset.loaded ?? '0');
    await page.keyboard.press('Escape');
    await page.waitForFunction((b) => (document.body.dataset.loaded ?? '0') !== b, before);
    await page.waitForSelector('#coaching:not([hidden]) [data-table="coaching"]');
    expect(page.url()).not.toContain('person=');
    await page.focus('[data-table="coaching"] tbody tr');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#person-page:not([hidden]) [data-table="person-cy-coaching"]');
  });

  it('shows a person without a plan as such, and ana with every competency rated', async () => {
    await open('?person=bo');
    expect(await page.textContent('#person-h')).toBe('Bo Chen');
    expect(await page.isVisible('#person-no-plan')).toBe(true);
    expect(await page.isVisible('#person-competencies')).toBe(false);
    await open('?person=ana');
    expect(await tableRows('person-ana-coaching')).toEqual([
      ['discovery', '4', '2', '2', at(1)],
      ['delivery', '3', '3', '0', at(1)],
    ]);
  });

  it('shows a token scoped to a group no coaching panel and no person (contract §8)', async () => {
    const scoped = JSON.parse(
      (
        await runCli(['token', 'create', '--org', org.orgId, '--role', 'viewer', '--group', 'platform'], {
          DATABASE_URL: db.url,
        })
      ).stdout,
    ) as { apiToken: string };
    await page.evaluate(() => sessionStorage.clear());
    await open('?window=4w', scoped.apiToken);
    expect(await page.isVisible('#dashboard')).toBe(true);
    expect(await page.isVisible('#coaching')).toBe(false);
    await open('?person=cy', scoped.apiToken);
    expect(await page.textContent('#person-h')).toBe('No person cy');
    expect(await page.isVisible('#person-plan')).toBe(false);
    expect(await page.$('[data-table="person-cy-coaching"]')).toBeNull();
  });
});

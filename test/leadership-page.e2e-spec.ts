/// <reference lib="dom" />
// the callbacks given to page.evaluate / $$eval run in the browser
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
} from '@orgpulse/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import {
  LATE_TEAM,
  LATE_TEAM_REGISTERED_DAYS_AGO,
  SCENARIO_PEOPLE,
  SCENARIO_TEAMS,
  leadershipScenario,
} from './support/leadership-scenario';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const COST_PER_DAY = 400;
const SHOTS = join(__dirname, '..', 'test-results', 'leadership-page');

interface Org {
  orgId: string;
  ingestKey: string;
  apiToken: string;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The window a preset of n days means on the page: up to the start of tomorrow (UTC). */
const presetWindow = (days: number) => {
  const to = Date.parse(day(Date.now())) + DAY;
  return { from: new Date(to - days * DAY).toISOString(), to: new Date(to).toISOString() };
};
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(0.05);

describe('the leadership page in headless Chromium against the real stack', () => {
  jest.setTimeout(180_000);
  const { kafkaBrokers } = testEnvironment();
  let db: TestDatabase;
  const apps: SpawnedProcess[] = [];
  let base: string;
  let ingestUrl: string;
  let org: Org;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  const api = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const answer = await graphql<T>(`${base}/graphql`, org.apiToken, query, variables);
    expect(answer.errors).toBeUndefined();
    return answer.data as T;
  };
  const loaded = async () => {
    await page.waitForFunction(() => document.body.dataset.loaded !== undefined);
  };
  /** Waits for a render newer than the one on screen now. */
  const reloaded = async (action: () => Promise<unknown>) => {
    const before = await page.evaluate(() => document.body.dataset.loaded ?? '0');
    await action();
    await page.waitForFunction((b) => (document.body.dataset.loaded ?? '0') !== b, before);
  };
  const tableRows = (name: string) =>
    page.$$eval(`[data-table="${name}"] tbody tr`, (rows) =>
      rows.map((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.dataset.raw ?? '')),
    );
  const figure = async (key: string) =>
    parseFloat((await page.textContent(`#figures [data-figure="${key}"] dd`))!.replace(/,/g, ''));

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    db = await TestDatabase.create('leadership_page');
    const [ingestPort, projectorPort, apiPort, alerterPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    base = `http://127.0.0.1:${apiPort}`;
    const common = { KAFKA_BROKERS: kafkaBrokers, HOST: '127.0.0.1', DATABASE_URL: db.url };
    apps.push(
      spawnApp('ingest', { ...common, INGEST_PORT: String(ingestPort), INGEST_RATE_LIMIT_PER_SECOND: '0' }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_GROUP_ID: `page-${projectorPort}`,
      }),
      spawnApp('api', { ...common, API_PORT: String(apiPort) }),
      spawnApp('alerter', { ...common, ALERTER_PORT: String(alerterPort), ALERTER_INTERVAL_MS: '2000' }),
    );
    await Promise.all([
      waitForHealthy(`${ingestUrl}/health`, apps[0]),
      waitForHealthy(`http://127.0.0.1:${projectorPort}/health`, apps[1]),
      waitForHealthy(`${base}/health`, apps[2]),
      waitForHealthy(`http://127.0.0.1:${alerterPort}/health`, apps[3]),
    ]);
    org = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Acme'], { DATABASE_URL: db.url })).stdout,
    ) as Org;
    await api(`mutation { updateSettings(input: { idleCostPerPersonDay: ${COST_PER_DAY} }) { currency } }`);
    const events = leadershipScenario(Date.now());
    expect((await postEvents(ingestUrl, events, { key: org.ingestKey })).status).toBe(202);
    await eventually(async () =>
      expect((await api<{ teams: unknown[] }>('{ teams { id } }')).teams).toHaveLength(
        SCENARIO_TEAMS.length + 1,
      ),
    );
    // the last events of the scenario are projected too
    await eventually(async () =>
      expect(
        (await api<{ manager: { directReports: number } | null }>('{ manager(id: "leo") { directReports } }'))
          .manager,
      ).toEqual({ directReports: 2 }),
    );
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

  it('serves the page with a strict script policy and signs in with the form, keeping the token in the tab only', async () => {
    const response = await page.goto(`${base}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('#sign-in:not([hidden])');
    await page.fill('#token', 'not-a-token');
    await page.click('#sign-in button[type=submit]');
    await page.waitForFunction(() => document.getElementById('sign-in-error')!.textContent !== '');
    // the refused token's 401, which the browser logs, is this step's expected outcome
    expect(consoleErrors).toEqual([expect.stringContaining('401')]);
    consoleErrors.length = 0;
    await page.fill('#token', org.apiToken);
    await page.click('#sign-in button[type=submit]');
    await loaded();
    expect(await page.evaluate(() => sessionStorage.getItem('orgpulse.apiToken'))).toBe(org.apiToken);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(page.url()).toContain('window=12w');
  });

  it('shows each panel with the seeded teams and the figures GraphQL answers', async () => {
    const w = presetWindow(84);
    const p = { from: new Date(Date.parse(w.from) - 84 * DAY).toISOString(), to: w.from };
    const o = await api<{
      c: {
        idlePersonDays: number;
        blockedTeams: number;
        teams: number;
        idleCost: number;
        interviews: number;
      };
      p: { idlePersonDays: number };
    }>(
      `query ($w: Window!, $p: Window!) { c: orgOverview(window: $w) { teams blockedTeams idlePersonDays idleCost interviews }
        p: orgOverview(window: $p) { idlePersonDays } }`,
      { w, p },
    );
    close(await figure('idlePersonDays'), Math.round(o.c.idlePersonDays * 10) / 10);
    expect(Math.abs((await figure('idleCost')) - o.c.idleCost)).toBeLessThan(1);
    expect(o.c.idleCost).toBeCloseTo(o.c.idlePersonDays * COST_PER_DAY, 0);
    expect(await figure('interviews')).toBe(o.c.interviews);
    expect(await page.textContent('#figures [data-figure="blockedTeams"] dd')).toMatch(
      new RegExp(`^${o.c.blockedTeams} of ${o.c.teams}`),
    );
    expect(o.c.blockedTeams).toBe(2);
    expect(await page.textContent('#freshness')).toMatch(/projection lag [\d.]+ s/);

    interface T {
      id: string;
      name: string;
      currentBlock: { reason: string; blockedBy: string | null; idlePersonDays: number } | null;
      weeklyTrend: { idlePersonDays: number; interviews: number }[];
      idlenessByBlockingTeam: { key: string; idlePersonDays: number }[];
      idlenessByReason: { key: string; idlePersonDays: number }[];
    }
    const { teams } = await api<{ teams: T[] }>(
      `query ($w: Window!) { teams { id name currentBlock { reason blockedBy idlePersonDays }
        weeklyTrend(window: $w) { idlePersonDays interviews }
        idlenessByBlockingTeam(window: $w) { key idlePersonDays } idlenessByReason(window: $w) { key idlePersonDays } } }`,
      { w },
    );
    // blocked now: Growth (5 people × 6 days) above Data (6 people × 50 h), with reasons and blocker
    const blocked = await tableRows('blocked-now');
    expect(blocked.map((r) => [r[0], r[3], r[4]])).toEqual([
      ['Growth', 'decision-pending', ''],
      ['Data', 'dependency', 'infra'],
    ]);
    const growth = teams.find((t) => t.id === 'growth')!.currentBlock!;
    close(Number(blocked[0][1]), growth.idlePersonDays);
    close(growth.idlePersonDays, 30);
    close(Number(blocked[0][5]) / COST_PER_DAY, growth.idlePersonDays);
    expect(await page.textContent('[data-table="blocked-now"] tbody tr:nth-child(2) td:nth-child(5)')).toBe(
      'Infra',
    );

    // heatmaps: every team, every week, the same totals
    const idle = await page.$eval('#idle-heatmap-chart', (e) => ({ ...(e as HTMLElement).dataset }));
    expect(idle.rows!.split('|').sort()).toEqual([...SCENARIO_TEAMS, LATE_TEAM].map((t) => t.name).sort());
    expect(Number(idle.weeks)).toBe(teams[0].weeklyTrend.length);
    close(
      Number(idle.total),
      teams.flatMap((t) => t.weeklyTrend).reduce((s, x) => s + x.idlePersonDays, 0),
    );
    const discovery = await page.$eval('#discovery-heatmap-chart', (e) =>
      Number((e as HTMLElement).dataset.total),
    );
    expect(discovery).toBe(teams.flatMap((t) => t.weeklyTrend).reduce((s, x) => s + x.interviews, 0));

    // who blocks whom: one edge per (blocking, blocked) pair with idle time
    const edges = teams.flatMap((t) =>
      t.idlenessByBlockingTeam
        .filter((b) => b.key !== 'unknown')
        .map((b) => [b.key, t.id, b.idlePersonDays] as const),
    );
    const shown = await tableRows('who-blocks-whom');
    expect(shown.map((r) => `${r[0]}>${r[1]}`).sort()).toEqual(edges.map((e) => `${e[0]}>${e[1]}`).sort());
    expect(shown.map((r) => `${r[0]}>${r[1]}`)).toEqual(
      expect.arrayContaining(['infra>core', 'core>mobile', 'infra>web', 'infra>data']),
    );
    for (const [blocking, blockedTeam, days] of edges)
      close(Number(shown.find((r) => r[0] === blocking && r[1] === blockedTeam)![2]), days);

    // idle by reason: the reasons leaders own come first
    const reasons = await tableRows('idle-by-reason');
    expect(reasons.slice(0, 2).map((r) => r[1])).toEqual(['yes', 'yes']);
    expect(
      reasons
        .map((r) => r[0])
        .slice(0, 2)
        .sort(),
    ).toEqual(['decision-pending', 'unclear-priorities']);
    for (const r of reasons)
      close(
        Number(r[2]),
        teams
          .flatMap((t) => t.idlenessByReason)
          .filter((x) => x.key === r[0])
          .reduce((s, x) => s + x.idlePersonDays, 0),
      );

    // managers: span, coverage and overdue reports
    const { managers } = await api<{
      managers: { id: string; directReports: number; overdueReports: string[] }[];
    }>('{ managers { id directReports overdueReports } }');
    const rows = await tableRows('managers');
    // people by name (contract §13), not by id
    expect(rows.map((r) => [r[0], r[1], r[3]]).sort()).toEqual(
      managers
        .map((m) => [SCENARIO_PEOPLE[m.id], String(m.directReports), String(m.overdueReports.length)])
        .sort(),
    );
    expect(rows[0].slice(0, 5)).toEqual(['Mia Wong', '3', String(1 / 3), '2', 'Bob Stone, Cy Young']);
    await page.screenshot({ path: join(SHOTS, 'dashboard-laptop.png'), fullPage: true });
  });

  it('exports a table as CSV and moves through rows from the keyboard to a team page with its timeline', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#blocked-table .csv')]);
    expect(download.suggestedFilename()).toBe('blocked-now.csv');
    const csv = await (await download.createReadStream()).toArray();
    const lines = Buffer.concat(csv).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('Team,Idle person-days so far,Blocked for (days),Reason,Blocking team,Cost (USD)');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['Growth', 'Data']);

    await page.focus('[data-table="blocked-now"] tbody tr');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.team)).toBe('data');
    await reloaded(() => page.keyboard.press('Enter'));
    expect(page.url()).toContain('team=data');
    expect(await page.textContent('#team-h')).toBe('Data');
    const { team } = await api<{ team: { timeline: { kind: string; reason: string | null }[] } }>(
      'query ($w: Window!) { team(id: "data") { timeline(window: $w) { kind reason } } }',
      { w: presetWindow(84) },
    );
    const timeline = await tableRows('team-data-timeline');
    expect(timeline.map((r) => [r[1], r[2]])).toEqual(team.timeline.map((e) => [e.kind, e.reason ?? '']));
    expect(timeline.map((r) => r[1])).toEqual(expect.arrayContaining(['BLOCKED', 'INTERVIEW', 'SHIP']));
    await page.screenshot({ path: join(SHOTS, 'team-page.png'), fullPage: true });
    await reloaded(() => page.keyboard.press('Escape'));
    expect(page.url()).not.toContain('team=');
  });

  it('changes window from the keyboard and group from the picker and the URL, with figures for each', async () => {
    await reloaded(() => page.keyboard.press('1'));
    expect(page.url()).toContain('window=4w');
    const w4 = presetWindow(28);
    const { orgOverview } = await api<{ orgOverview: { idlePersonDays: number } }>(
      'query ($w: Window!) { orgOverview(window: $w) { idlePersonDays } }',
      { w: w4 },
    );
    close(await figure('idlePersonDays'), Math.round(orgOverview.idlePersonDays * 10) / 10);

    // the hierarchy in the picker, indented under its root; choosing a group is in the URL
    expect((await page.$$eval('#group option', (os) => os.map((o) => o.textContent.trim()))).sort()).toEqual([
      'Engineering',
      'Platform',
      'Product',
      'whole org',
    ]);
    await reloaded(() => page.selectOption('#group', 'platform'));
    expect(page.url()).toContain('group=platform');
    const platform = await api<{ orgOverview: { teams: number; idlePersonDays: number } }>(
      'query ($w: Window!) { orgOverview(window: $w, groupId: "platform") { teams idlePersonDays } }',
      { w: w4 },
    );
    expect(platform.orgOverview.teams).toBe(3);
    expect(await page.textContent('#figures [data-figure="teams"] dd')).toMatch(/^3/);
    close(await figure('idlePersonDays'), Math.round(platform.orgOverview.idlePersonDays * 10) / 10);
    expect((await tableRows('blocked-now')).map((r) => r[0])).toEqual(['Data']);
    const rows = await page.$eval('#idle-heatmap-chart', (e) => (e as HTMLElement).dataset.rows);
    expect(rows!.split('|').sort()).toEqual(['Core', 'Data', 'Infra']);

    // a shared URL opens the same view
    await page.goto(`${base}/?window=4w&group=product`);
    await loaded();
    await page.waitForFunction(
      () => (document.getElementById('group') as HTMLSelectElement).value === 'product',
    );
    expect((await tableRows('blocked-now')).map((r) => r[0])).toEqual(['Growth']);
  });

  it('signs in from a #token= fragment, removes it from the address bar, and shows a new alert without reload', async () => {
    const wall = await browser.newPage({ viewport: { width: 2560, height: 1440 } });
    wall.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    wall.on('pageerror', (e) => consoleErrors.push(String(e)));
    await wall.goto(`${base}/#token=${encodeURIComponent(org.apiToken)}`);
    await wall.waitForFunction(() => document.body.dataset.loaded !== undefined);
    expect(new URL(wall.url()).hash).toBe('');
    await wall.waitForSelector('#live.on');
    await wall.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    expect(await wall.$('[data-subject="mobile"]')).toBeNull();
    const blockedNow = () => wall.textContent('#figures [data-figure="blockedTeams"] dd');
    expect(await blockedNow()).toMatch(/^2 of 7/);

    expect(
      (
        await postEvents(
          ingestUrl,
          [
            {
              id: 'mobile-now',
              type: 'team.blocked',
              occurredAt: new Date(Date.now() - 72 * HOUR).toISOString(),
              data: { teamId: 'mobile', reason: 'dependency', blockedBy: 'web' },
            },
          ],
          { key: org.ingestKey },
        )
      ).status,
    ).toBe(202);
    await wall.waitForSelector('#alert-feed li.OPEN[data-subject="mobile"][data-rule="TEAM_IDLE"]', {
      timeout: 90_000,
    });
    // the rule in words, about the team by name
    expect(await wall.textContent('#alert-feed li[data-subject="mobile"]')).toMatch(
      /Mobile has been blocked for 48 hours or more$/,
    );
    // the alert refreshes the page at once: a figure changes, without a reload
    await wall.waitForFunction(() =>
      /^3 of 7/.test(document.querySelector('#figures [data-figure="blockedTeams"] dd')?.textContent ?? ''),
    );
    expect(await wall.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    await wall.screenshot({ path: join(SHOTS, 'dashboard-wall.png'), fullPage: false });
    // the README's screenshot: the whole org over the default window
    await page.goto(`${base}/`);
    await loaded();
    await page.waitForSelector('#alert-feed li[data-subject="mobile"]');
    await page.screenshot({ path: join(SHOTS, 'dashboard-whole-org.png'), fullPage: true });
    if (process.env.ORGPULSE_UPDATE_SCREENSHOT === '1')
      await page.screenshot({ path: join(__dirname, '..', 'docs', 'leadership-page.png'), fullPage: true });
    await wall.close();
  });

  it('paints no discovery miss before a team existed, nor for the current week so far', async () => {
    await page.goto(`${base}/?window=12w`);
    await loaded();
    const zeros = JSON.parse(
      (await page.$eval('#discovery-heatmap-chart', (e) => (e as HTMLElement).dataset.zeros))!,
    ) as Record<string, string[]>;
    const { teams } = await api<{ teams: { name: string; weeklyTrend: { weekStart: string }[] }[] }>(
      'query ($w: Window!) { teams { name weeklyTrend(window: $w) { weekStart } } }',
      { w: presetWindow(84) },
    );
    const weeks = teams[0].weeklyTrend.map((w) => w.weekStart);
    const registered = Date.now() - LATE_TEAM_REGISTERED_DAYS_AGO * DAY;
    const whole = (start: string) => Date.parse(start) + 7 * DAY <= Date.now();
    // Labs: no interview at all, so a miss in each whole week since it was registered, and in no other
    expect(zeros[LATE_TEAM.name]).toEqual(
      weeks.filter((w) => Date.parse(w) >= registered && whole(w)).map((w) => w.slice(0, 10)),
    );
    expect(zeros[LATE_TEAM.name].length).toBeGreaterThanOrEqual(1);
    // this week, not over yet, is no one's miss
    const thisWeek = weeks[weeks.length - 1].slice(0, 10);
    expect(whole(weeks[weeks.length - 1])).toBe(false);
    for (const [team, missed] of Object.entries(zeros)) expect([team, missed]).not.toContainEqual(thisWeek);
  });

  it('refreshes itself every 60 s: a figure follows new events without a reload', async () => {
    const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    wall.on('pageerror', (e) => consoleErrors.push(String(e)));
    await wall.clock.install();
    await wall.goto(`${base}/?window=4w#token=${encodeURIComponent(org.apiToken)}`);
    await wall.waitForFunction(() => document.body.dataset.loaded !== undefined);
    expect(await wall.evaluate(() => document.body.dataset.refreshSeconds)).toBe('60');
    await wall.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    const ships = async () =>
      Number(
        await wall.textContent('#figures [data-figure="ships"] dd').then((t) => /^\d+/.exec(t ?? '')?.[0]),
      );
    const before = await ships();
    const shipped = [1, 2].map((i) => ({
      id: `refresh-ship-${i}`,
      type: 'delivery.shipped',
      occurredAt: new Date(Date.now() - i * HOUR).toISOString(),
      data: { teamId: 'core' },
    }));
    expect((await postEvents(ingestUrl, shipped, { key: org.ingestKey })).status).toBe(202);
    await eventually(async () => {
      const { orgOverview } = await api<{ orgOverview: { ships: number } }>(
        'query ($w: Window!) { orgOverview(window: $w) { ships } }',
        { w: presetWindow(28) },
      );
      expect(orgOverview.ships).toBe(before + 2);
    });
    // not before a minute has passed, and then without a reload
    await wall.clock.fastForward(30_000);
    expect(await ships()).toBe(before);
    await wall.clock.fastForward(31_000);
    await wall.waitForFunction(
      (n) =>
        Number(
          /^\d+/.exec(document.querySelector('#figures [data-figure="ships"] dd')?.textContent ?? '')?.[0],
        ) === n,
      before + 2,
    );
    expect(await wall.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    await wall.close();
  });

  it('says when the managers, blocked-now and alerts panels show only the first page of a large org’s, and how many there are', async () => {
    const big = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Many of everything'], { DATABASE_URL: db.url })).stdout,
    ) as Org;
    const n = 502; // two more than the managers and blocked-now panels ask for
    const at = (days: number) => new Date(Date.now() - days * DAY).toISOString();
    const pad = (i: number) => String(i).padStart(3, '0');
    // each person with a manager of their own; each team blocked for three days: a TEAM_IDLE alert each,
    // and nothing else (registered five days ago, under DISCOVERY_LAPSED's seven)
    const events = Array.from({ length: n }, (_, i) => [
      {
        id: `p-${i}`,
        type: 'person.registered',
        occurredAt: at(1),
        data: { personId: `p-${i}`, role: 'engineer', managerId: `m-${pad(i)}` },
      },
      {
        id: `t-${i}`,
        type: 'team.registered',
        occurredAt: at(5),
        data: { teamId: `t-${pad(i)}`, name: `Team ${pad(i)}`, headcount: 4 },
      },
      {
        id: `b-${i}`,
        type: 'team.blocked',
        occurredAt: at(3),
        data: { teamId: `t-${pad(i)}`, reason: 'dependency' },
      },
    ]).flat();
    for (let i = 0; i < events.length; i += 1000)
      expect((await postEvents(ingestUrl, events.slice(i, i + 1000), { key: big.ingestKey })).status).toBe(
        202,
      );
    const counts = async () =>
      (
        await graphql<{
          managersConnection: { totalCount: number };
          teamsConnection: { totalCount: number };
          alertsConnection: { totalCount: number };
        }>(
          `${base}/graphql`,
          big.apiToken,
          `
            {
              managersConnection(first: 1) {
                totalCount
              }
              teamsConnection(blocked: true, first: 1) {
                totalCount
              }
              alertsConnection(status: OPEN, first: 1) {
                totalCount
              }
            }
          `,
        )
      ).data;
    await eventually(
      async () => {
        const now = await counts();
        expect(now?.managersConnection.totalCount).toBe(n);
        expect(now?.teamsConnection.totalCount).toBe(n);
        expect(now?.alertsConnection.totalCount).toBe(n);
      },
      // events older than an hour are a backfill to the alerter: judged in bulk rounds after live work
      { timeoutMs: 150_000 },
    );
    const tab = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    tab.on('pageerror', (e) => consoleErrors.push(String(e)));
    await tab.goto(`${base}/#token=${encodeURIComponent(big.apiToken)}`);
    await tab.waitForFunction(() => document.body.dataset.loaded !== undefined);
    const status = await tab.textContent('#status');
    expect(status).toContain(`The manager panels show 500 of ${n} managers (the first by id).`);
    // an org without groups has no picker: no advice to pick one
    expect(status).toContain(`Blocked now shows 500 of ${n} blocked teams (the first by id).`);
    expect(await tab.$$eval('[data-table="managers"] tbody tr', (rows) => rows.length)).toBe(500);
    expect(await tab.$$eval('[data-table="blocked-now"] tbody tr', (rows) => rows.length)).toBe(500);
    await tab.waitForFunction(() => document.querySelectorAll('#alert-feed li').length > 0);
    expect(await tab.textContent('#alerts-note')).toBe(
      `The latest 200 of ${n} open alerts, then each change as it happens.`,
    );
    expect(await tab.isVisible('#alerts-note')).toBe(true);
    expect(await tab.$$eval('#alert-feed li', (items) => items.length)).toBe(200);
    // the org here (a few of each) shows them all, and says nothing of it
    await page.goto(`${base}/#token=${encodeURIComponent(org.apiToken)}`);
    await loaded();
    expect(await page.textContent('#status')).not.toMatch(/manager panels|Blocked now shows/);
    await page.waitForFunction(() => document.querySelectorAll('#alert-feed li').length > 0);
    expect(await page.isVisible('#alerts-note')).toBe(false);
    expect(await page.textContent('#alerts-note')).toMatch(/^The latest \d+ of \d+ open alerts/);
    await tab.close();
  }, 240_000);

  it('keeps every column of every table reachable on a phone', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    phone.on('pageerror', (e) => consoleErrors.push(String(e)));
    await phone.goto(`${base}/#token=${encodeURIComponent(org.apiToken)}`);
    await phone.waitForFunction(() => document.body.dataset.loaded !== undefined);
    for (const table of ['blocked-now', 'who-blocks-whom', 'managers', 'coaching']) {
      const cells = await phone.$$eval(`[data-table="${table}"] tbody tr:first-child td`, (tds) =>
        tds.map((td) => {
          const box = td.getBoundingClientRect();
          return {
            label: (td as HTMLElement).dataset.label,
            left: box.left,
            right: box.right,
            width: box.width,
          };
        }),
      );
      expect(cells.length).toBeGreaterThan(0);
      const width = await phone.evaluate(() => document.documentElement.clientWidth);
      const out = cells.filter((c) => c.width === 0 || c.left < 0 || c.right > width);
      expect({ table, out }).toEqual({ table, out: [] });
      if (table === 'blocked-now')
        expect(cells.map((c) => c.label)).toEqual(expect.arrayContaining(['Blocking team', 'Cost (USD)']));
    }
    await phone.screenshot({ path: join(SHOTS, 'dashboard-phone.png'), fullPage: true });
    await phone.close();
  });
});

import autocannon from 'autocannon';
import {
  ALERTS,
  MANAGERS,
  OVERVIEW,
  SETTINGS,
  BLOCKED,
  BLOCKED_PAGE_SIZE,
  TEAMS,
  TEAMS_PAGE_SIZE,
} from '../../apps/api/page/src/queries';
import type { BenchStack } from './bench-stack';
import type { DashboardLoad, DashboardWindow } from './dashboard-load';
import { post } from './http-client';
import { percentile } from './stats';

const DAY = 86_400_000;

/** E3-uncached: the dashboard query of E3 for one group of teams (or the whole org) and a window. */
export const GROUP_DASHBOARD_QUERY = `query Dashboard($window: Window!, $group: ID) {
  orgOverview(window: $window, groupId: $group) { teams blockedTeams idlePersonDays }
  teams(groupId: $group) {
    id name headcount blocked blockedSince
    idleness(window: $window) { blockedHours idlePersonDays blockedEpisodes }
    discovery(window: $window) {
      interviews weeksInWindow weeksMeetingTarget adherence currentStreakWeeks lastInterviewAt daysSinceLast
    }
  }
}`;

/**
 * The n-th of a sequence of windows and groups that never repeats (within groups × 200 × 137
 * requests): every request of E3-uncached misses the result cache.
 */
export function uncachedVariables(n: number, year: DashboardWindow, groups: readonly (string | null)[]) {
  const group = groups[n % groups.length];
  const startDay = Math.floor(n / groups.length) % 200;
  const days = 28 + (Math.floor(n / (groups.length * 200)) % 137);
  const from = Date.parse(year.from) + startDay * DAY;
  return {
    window: { from: new Date(from).toISOString(), to: new Date(from + days * DAY).toISOString() },
    group,
  };
}

/** A GraphQL answer with data and no error (a query cut at a limit answers fast, with an error). */
export const answered = (body: string): boolean => body.startsWith('{"data"') && !body.includes('"errors":');

/**
 * `clients` connections of autocannon (closed loop: each sends its next request when the last one
 * answered) for `seconds`, after a second of warm-up; `body(n)` is the n-th request's body. With
 * `checkAnswers` every answer must be data without errors (autocannon then keeps each body: for loads
 * whose answers differ; the same query again is checked once before).
 */
export async function autocannonLoad(
  stack: Pick<BenchStack, 'url' | 'org'>,
  clients: number,
  seconds: number,
  body: (n: number) => string,
  checkAnswers = false,
): Promise<DashboardLoad> {
  const url = stack.url('api', '/graphql');
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${stack.org.apiToken}` };
  let n = 0;
  const once = async (duration: number, record: boolean) => {
    const latencies: number[] = [];
    let failed = 0;
    let wrong: string | undefined;
    const onResponse = (status: number, answer: string) => {
      if (status === 200 && !answered(answer)) wrong ??= answer.slice(0, 1000);
    };
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url,
          connections: clients,
          duration,
          method: 'POST',
          headers,
          requests: [
            {
              setupRequest: (request) => ({ ...request, body: body(n++) }),
              ...(checkAnswers ? { onResponse } : {}),
            },
          ],
        },
        (error: unknown, done: autocannon.Result) =>
          error
            ? reject(
                error instanceof Error ? error : new Error(`autocannon failed: ${JSON.stringify(error)}`),
              )
            : resolve(done),
      );
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        if (status !== 200) failed++;
        if (record) latencies.push(ms);
      });
    });
    if (failed > 0 || result.errors > 0)
      throw new Error(`${failed} answers were not 200 and ${result.errors} requests failed`);
    if (wrong !== undefined) throw new Error(`an answer was not data: ${wrong}`);
    return { latencies, ms: result.duration * 1000 };
  };
  await once(1, false); // warm-up: JIT, connection pool
  const { latencies, ms } = await once(seconds, true);
  return {
    clients,
    requests: latencies.length,
    requestsPerSecond: (latencies.length * 1000) / ms,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
  };
}

export interface PageFirstLoad {
  loads: number;
  p50Ms: number;
  maxMs: number;
  /** HTTP requests one load made (the team pages vary it with the org's size). */
  requests: number;
}

async function pageQuery(
  stack: BenchStack,
  document: string,
  variables: Record<string, unknown>,
): Promise<unknown> {
  const answer = await post(stack.url('api', '/graphql'), JSON.stringify({ query: document, variables }), {
    Authorization: `Bearer ${stack.org.apiToken}`,
  });
  if (answer.status !== 200 || !answered(answer.body))
    throw new Error(`the page's query answered ${answer.status}: ${answer.body.slice(0, 500)}`);
  return JSON.parse(answer.body);
}

/**
 * E5 (and E6 on the large org): the leadership page's first load, its queries as the page sends them
 * (the same documents, in parallel, as `loadDashboard` in apps/api/page/src/main.ts asks them:
 * keep the two alike), over a 12-week window none loaded before
 * (no cache hit).
 */
export async function pageFirstLoad(
  stack: BenchStack,
  year: DashboardWindow,
  loads: number,
): Promise<PageFirstLoad> {
  const times: number[] = [];
  let requests = 0;
  const query = (document: string, variables: Record<string, unknown>) => {
    requests += 1;
    return pageQuery(stack, document, variables);
  };
  for (let i = 0; i < loads + 1; i++) {
    requests = 0;
    const to = Date.parse(year.to) - i * DAY;
    const w = { from: new Date(to - 84 * DAY).toISOString(), to: new Date(to).toISOString() };
    const p = { from: new Date(to - 168 * DAY).toISOString(), to: w.from };
    const started = performance.now();
    await Promise.all([
      query(OVERVIEW, { w, p, g: null }),
      query(SETTINGS, {}),
      query(TEAMS, { w, g: null, first: TEAMS_PAGE_SIZE }),
      query(BLOCKED, { g: null, first: BLOCKED_PAGE_SIZE }),
      query(MANAGERS, { w }),
    ]);
    await query(ALERTS, {});
    if (i > 0) times.push(performance.now() - started); // the first is the warm-up
  }
  return { loads, p50Ms: percentile(times, 50), maxMs: Math.max(...times), requests };
}

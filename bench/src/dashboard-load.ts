import { TcpProxy, spawnApp, freePort, waitForHealthy } from '@orgpulse/testing';
import type { BenchStack } from './bench-stack';
import { post } from './http-client';
import { percentile } from './stats';

export const DASHBOARD_QUERY = `query Dashboard($window: Window!) {
  orgOverview(window: $window) { teams blockedTeams idlePersonDays }
  teams {
    id name headcount blocked blockedSince
    idleness(window: $window) { blockedHours idlePersonDays blockedEpisodes }
    discovery(window: $window) {
      interviews weeksInWindow weeksMeetingTarget adherence currentStreakWeeks lastInterviewAt daysSinceLast
    }
  }
}`;

export interface DashboardLoad {
  clients: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface DashboardWindow {
  from: string;
  to: string;
}

async function dashboardRequest(url: string, token: string, body: string, teams: number): Promise<void> {
  const answer = await post(url, body, { Authorization: `Bearer ${token}` });
  if (answer.status !== 200 || !answer.body.startsWith('{"data"'))
    throw new Error(`dashboard query answered ${answer.status}: ${answer.body.slice(0, 1000)}`);
  const parsed = JSON.parse(answer.body) as { data: { teams: unknown[] } };
  if (parsed.data.teams.length !== teams)
    throw new Error(`dashboard query returned ${parsed.data.teams.length} teams, expected ${teams}`);
}

/** E3: `clients` closed-loop dashboards (each sends its next query when the last one answered). */
export async function dashboardLoad(
  stack: BenchStack,
  window: DashboardWindow,
  teams: number,
  clients: number,
  seconds: number,
): Promise<DashboardLoad> {
  const url = stack.url('api', '/graphql');
  const body = JSON.stringify({ query: DASHBOARD_QUERY, variables: { window } });
  const latencies: number[] = [];
  const run = async (until: number, record: boolean) =>
    Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < until) {
          const sent = performance.now();
          await dashboardRequest(url, stack.org.apiToken, body, teams);
          if (record) latencies.push(performance.now() - sent);
        }
      }),
    );
  await run(performance.now() + 1_000, false); // warm-up: JIT, connection pool, caches
  const started = performance.now();
  await run(started + seconds * 1000, true);
  const ms = performance.now() - started;
  return {
    clients,
    requests: latencies.length,
    requestsPerSecond: (latencies.length * 1000) / ms,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
  };
}

/** SQL statements per dashboard query, counted on the wire by a second API instance behind a proxy. */
export async function dashboardStatements(
  stack: BenchStack,
  window: DashboardWindow,
  teams: number,
): Promise<{ first: number; steady: number }> {
  const database = new URL(stack.databaseUrl);
  const proxy = await TcpProxy.start(database.hostname, Number(database.port || 5432));
  const proxied = new URL(stack.databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  const port = await freePort();
  const api = spawnApp('api', {
    DATABASE_URL: proxied.toString(),
    KAFKA_BROKERS: stack.brokers,
    API_PORT: String(port),
    HOST: '127.0.0.1',
  });
  try {
    await waitForHealthy(`http://127.0.0.1:${port}/health`, api, 120_000);
    const url = `http://127.0.0.1:${port}/graphql`;
    const body = JSON.stringify({ query: DASHBOARD_QUERY, variables: { window } });
    const counted = async (requests: number) => {
      const before = proxy.pgStatementMark();
      for (let i = 0; i < requests; i++) await dashboardRequest(url, stack.org.apiToken, body, teams);
      // the health probe's and the notification listener's SELECT 1 run on timers of their own
      return proxy.pgStatementsSince(before).filter((sql) => sql !== 'SELECT 1').length / requests;
    };
    const first = await counted(1);
    return { first, steady: await counted(10) };
  } finally {
    await api.stop();
    await proxy.close();
  }
}

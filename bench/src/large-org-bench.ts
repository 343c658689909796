import { join } from 'node:path';
import type { LargeOrgSize } from './bench-options';
import { ALERTER_SETTLE_LIMIT_S, type AlerterSettled, alerterSettled } from './alerter-settled';
import { BenchBroker } from './bench-broker';
import { benchClient, createRunDatabase, dropRunDatabase } from './bench-database';
import { BenchStack, createOrg } from './bench-stack';
import { cleaningUp } from './cleanups';
import { copyEvents } from './copy-rows';
import type { CpuReport } from './cpu-accounting';
import { CpuSampler } from './cpu-sampler';
import { DASHBOARD_QUERY, type DashboardLoad, type DashboardWindow } from './dashboard-load';
import { post } from './http-client';
import { largeOrg, largeOrgGroupIds } from './large-org';
import {
  GROUP_DASHBOARD_QUERY,
  answered,
  autocannonLoad,
  pageFirstLoad,
  type PageFirstLoad,
  uncachedVariables,
} from './page-load';
import { type RebuildThroughput, rebuildThroughput } from './rebuild-throughput';
import { watchPeakRss } from './peak-memory';
import { perSecond } from './stats';
import { acceptedStream } from './synthetic-org';

/** E6's setup: the org loaded and rebuilt, a broker and the apps started on it. */
export interface LargeOrgSetup {
  org: LargeOrgSize & { days: number };
  /** How long each stage of the setup took (setup, not a target). */
  stagesMs: { load: number; vacuum: number; rebuild: number; brokerStart: number; appsStart: number };
  /** The year generated as a stream and written by COPY into the event store (with its indexes). */
  loadEventsPerSecond: number;
  rebuild: RebuildThroughput;
}

/** What the apps on the large org did until the end of E6 (or until the API died). */
export interface LargeOrgApps {
  /** Peak RSS of each app process, started on the large org's database for E6 alone (until it exited). */
  peakMemoryMiB: Record<string, number>;
  /** Apps other than the API that exited during E6, with why. */
  exits: Record<string, string>;
}

export interface LargeOrgFigures extends LargeOrgSetup, LargeOrgApps {
  /**
   * The alerter's first judgement of the org after the rebuild (its sweep, the alerts raised and delivered),
   * waited for before the page loads: E5's page loads on settled apps too.
   */
  alerterSweep: AlerterSettled;
  /** E5's method on the large org. */
  page: PageFirstLoad;
  /** CPU per process over the page's loads (the warm-up included). */
  pageCpu: CpuReport;
  /** E3's query (its `teams` the default first page) at E3's levels, and E3-uncached's load. */
  dashboard: { levels: DashboardLoad[]; uncached: DashboardLoad };
}

/** What E6 measures once its apps run. */
type Measured = Pick<LargeOrgFigures, 'alerterSweep' | 'page' | 'pageCpu' | 'dashboard'>;

/** E6 could not be measured in a run: why, and what it got to (the other figures of the run stand). */
export interface LargeOrgFailure extends Partial<LargeOrgApps>, Partial<Measured> {
  failed: string;
  setup?: LargeOrgSetup;
}

/** An error of E6 with what it had measured until then. */
export class LargeOrgError extends Error {
  constructor(
    readonly reason: unknown,
    readonly partial: Omit<LargeOrgFailure, 'failed'>,
  ) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

/** The failure to report for an error of E6. */
export function largeOrgFailure(error: unknown): LargeOrgFailure {
  const reason = error instanceof LargeOrgError ? error.reason : error;
  const failed = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
  return { failed, ...(error instanceof LargeOrgError ? error.partial : {}) };
}

export interface LargeOrgRun {
  size: LargeOrgSize;
  days: number;
  start: Date;
  runDir: string;
  serverUrl: string;
  /** Names the run's database: `<bench db>_run<N>_large`. */
  run: number;
  dashboardClients: number[];
  dashboardSeconds: number;
  uncachedClients: number;
  pageLoads: number;
  profileDir: string | undefined;
}

const since = (started: number) => performance.now() - started;
/**
 * The app E6 measures: its death ends E6. Another app that dies (say the alerter on the whole org's read
 * models) is reported with why, and E6 goes on.
 */
const MEASURED = ['api'] as const;

/**
 * E6: a large org's year loaded straight into the event store of a database of its own (COPY from a
 * stream), `projections rebuild` from the CLI, then the four apps on a fresh broker, and what a leader
 * asks of them: the leadership page's first load (E5's method) and E3's dashboard.
 */
export async function largeOrgBench(
  settings: LargeOrgRun,
  log: (message: string) => void,
): Promise<LargeOrgFigures> {
  const databaseUrl = await createRunDatabase(
    settings.serverUrl,
    `${new URL(settings.serverUrl).pathname.slice(1)}_run${settings.run}_large`,
  );
  return cleaningUp(
    () => dropRunDatabase(settings.serverUrl, databaseUrl),
    async () => {
      const { size, days, start } = settings;
      const org = await createOrg(databaseUrl, 'Large');
      log(
        `E6: loading ${size.teams} teams, ${size.groups} groups, ${size.people} people, at least ${size.events} events`,
      );
      let started = performance.now();
      const events = await copyLargeOrg(databaseUrl, org.orgId, { ...size, days, start, seed: 20 });
      const load = since(started);
      started = performance.now();
      await vacuumAnalyze(databaseUrl, ['event_store']);
      const vacuumMs = since(started);
      log(`E6: ${events} events loaded in ${Math.round(load / 1000)} s; rebuilding`);
      const rebuild = await rebuildThroughput(databaseUrl);
      log(`E6: rebuilt in ${Math.round(rebuild.wallMs / 1000)} s; starting a broker and the apps`);
      started = performance.now();
      const broker = await BenchBroker.start(settings.runDir);
      const brokerStart = since(started);
      return cleaningUp(
        () => broker.stop(),
        async () => {
          started = performance.now();
          const profileDir = settings.profileDir && join(settings.profileDir, 'e6');
          const stack = await BenchStack.start(broker.brokers, databaseUrl, profileDir, org);
          const appsStart = since(started);
          const setup: LargeOrgSetup = {
            org: { ...size, events, days },
            stagesMs: { load, vacuum: vacuumMs, rebuild: rebuild.wallMs, brokerStart, appsStart },
            loadEventsPerSecond: perSecond(events, load),
            rebuild,
          };
          // followed all along: an app that dies on the large org keeps its peak
          const memory = stack
            .appProcesses()
            .map(({ group, pid }) => [group, watchPeakRss(pid, 250)] as const);
          const apps = (): LargeOrgApps => ({
            peakMemoryMiB: Object.fromEntries(memory.map(([app, watch]) => [app, watch.stop()])),
            exits: Object.fromEntries(
              Object.entries(stack.exits())
                .filter(([app]) => !(MEASURED as readonly string[]).includes(app))
                .map(([app, stderr]) => [app, whyItExited(stderr)]),
            ),
          });
          return cleaningUp(
            () => stack.stop(),
            async () => {
              const measured: Partial<Measured> = {};
              try {
                await measureLargeOrg(stack, broker.pid(), settings, log, measured);
                return { ...setup, ...(measured as Measured), ...apps() };
              } catch (error) {
                const blamed = await blameApi(stack, error).catch((reason: unknown) => reason);
                throw new LargeOrgError(blamed, { setup, ...measured, ...apps() });
              }
            },
          );
        },
      );
    },
  );
}

async function measureLargeOrg(
  stack: BenchStack,
  brokerPid: number,
  settings: LargeOrgRun,
  log: (message: string) => void,
  /** Filled as each figure is taken: a failure keeps those taken before it. */
  measured: Partial<Measured>,
): Promise<void> {
  const { start, days } = settings;
  const year: DashboardWindow = {
    from: start.toISOString(),
    to: new Date(start.getTime() + days * 86_400_000).toISOString(),
  };
  // E5's page loads on apps long settled: E6's waits for the alerter's sweep of the freshly rebuilt org
  // (hundreds of thousands of alerts raised, paced to half of a core), and says how long that took
  log(`E6: waiting for the alerter's first judgement of the org (its sweep after the rebuild)`);
  measured.alerterSweep = await alerterSettled(
    stack.url('alerter', '/metrics'),
    ALERTER_SETTLE_LIMIT_S * 1000,
  );
  // this server runs without autovacuum, which would have vacuumed and analyzed the tables the sweep grew
  // and churned: without statistics the open alerts were listed by sorting all of them (316 ms at 213,661),
  // and every 2 s the alerter's backlog reading walked each delivered delivery's dead index entry (436 ms)
  await vacuumAnalyze(stack.databaseUrl, ['alerts', 'alert_outbox', 'alert_watch']);
  const { ms, settled, alertsRaised, error } = measured.alerterSweep;
  log(
    settled
      ? `E6: the alerter judged the org in ${Math.round(ms / 1000)} s (${alertsRaised} alerts raised)`
      : error !== undefined
        ? `E6: the alerter's /metrics stopped answering after ${Math.round(ms / 1000)} s (${error})`
        : `E6: the alerter was still judging the org after ${Math.round(ms / 1000)} s: the page loads during its sweep`,
  );
  // the page first, E6's headline (after its warm-up load, as E5): should a dashboard query kill the API,
  // the page is measured all the same
  log(`E6: the leadership page's first load`);
  const sampler = await CpuSampler.start(
    [
      ...stack.appProcesses(),
      { group: 'kafka broker', pid: brokerPid },
      { group: 'bench (this process)', pid: process.pid },
    ],
    stack.databaseUrl,
  );
  try {
    measured.page = await pageFirstLoad(stack, year, settings.pageLoads);
  } finally {
    // also when the API dies: the sampler's connection must end before the database is dropped
    measured.pageCpu = await sampler.stop();
  }
  log(`E6: the page's first load made ${measured.page.requests} requests`);
  stack.assertRunning(MEASURED);
  const levels = [];
  const dashboard = JSON.stringify({ query: DASHBOARD_QUERY, variables: { window: year } });
  await checkAnswer(stack, dashboard);
  for (const clients of settings.dashboardClients) {
    log(`E6: E3 dashboard with ${clients} clients for ${settings.dashboardSeconds} s`);
    levels.push(await autocannonLoad(stack, clients, settings.dashboardSeconds, () => dashboard));
  }
  log(`E6: E3-uncached, ${settings.uncachedClients} clients`);
  const groups = [null, ...largeOrgGroupIds(settings.size)];
  const uncached = await autocannonLoad(
    stack,
    settings.uncachedClients,
    settings.dashboardSeconds,
    (n) => JSON.stringify({ query: GROUP_DASHBOARD_QUERY, variables: uncachedVariables(n, year, groups) }),
    true,
  );
  stack.assertRunning(MEASURED);
  measured.dashboard = { levels, uncached };
}

/** A request that failed because the API died fails with the API's exit and stderr instead. */
async function blameApi(stack: BenchStack, error: unknown): Promise<never> {
  for (const deadline = Date.now() + 3_000; Date.now() < deadline;) {
    stack.assertRunning(MEASURED);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw error;
}

/** The line of an app's stderr that says why it exited (V8's FATAL ERROR, an error), else its last line. */
export function whyItExited(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (
    lines.find((line) => line.startsWith('FATAL ERROR')) ??
    lines.findLast((line) => /error/i.test(line)) ??
    lines[lines.length - 1] ??
    '(no output)'
  );
}

async function copyLargeOrg(
  databaseUrl: string,
  orgId: string,
  shape: Parameters<typeof largeOrg>[0],
): Promise<number> {
  const client = benchClient(databaseUrl);
  await client.connect();
  try {
    return await copyEvents(
      client,
      'event_store',
      acceptedStream(largeOrg(shape), orgId, new Date().toISOString()),
    );
  } finally {
    await client.end();
  }
}

async function vacuumAnalyze(databaseUrl: string, tables: readonly string[]): Promise<void> {
  const client = benchClient(databaseUrl);
  await client.connect();
  try {
    await client.query(`VACUUM ANALYZE ${tables.join(', ')}`);
  } finally {
    await client.end();
  }
}

/** The same query again is answered from the cache: one answer checked stands for the load. */
async function checkAnswer(stack: BenchStack, body: string): Promise<void> {
  const answer = await post(stack.url('api', '/graphql'), body, {
    Authorization: `Bearer ${stack.org.apiToken}`,
  });
  if (answer.status !== 200 || !answered(answer.body))
    throw new Error(`E6's dashboard query answered ${answer.status}: ${answer.body.slice(0, 1000)}`);
}

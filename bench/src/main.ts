import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope } from '@orgpulse/contracts';
import { repoRoot } from '@orgpulse/testing';
import { USAGE, BenchUsageError, type BenchOptions, parseBenchOptions } from './bench-options';
import { BenchBroker } from './bench-broker';
import { benchClient, createRunDatabase, dropRunDatabase } from './bench-database';
import { BenchStack } from './bench-stack';
import { rawConsume, rawCopy, rawProduce } from './baselines';
import { cleaningUp, cleanups } from './cleanups';
import type { CpuReport } from './cpu-accounting';
import { CpuSampler, type WatchedProcess } from './cpu-sampler';
import { DASHBOARD_QUERY, dashboardStatements } from './dashboard-load';
import { closeConnections } from './http-client';
import { historyIndependence } from './history-independence';
import { ingestThroughput, requestBodies } from './ingest-throughput';
import { type LargeOrgFailure, largeOrgBench, largeOrgFailure } from './large-org-bench';
import { rawPipeline } from './pipeline-baseline';
import {
  GROUP_DASHBOARD_QUERY,
  type PageFirstLoad,
  autocannonLoad,
  pageFirstLoad,
  uncachedVariables,
} from './page-load';
import { processSettled } from './process-settled';
import { projectionLag, syntheticTeams } from './projection-lag';
import { fillEventStore, rebuildThroughput } from './rebuild-throughput';
import { type RunFigures, benchResult, renderMarkdown, writeResult } from './report';
import { accepted, dashboardGroupsOf, syntheticOrg, syntheticYearStart } from './synthetic-org';

/** E3-uncached's concurrency (issue 14's target is at 16 clients). */
const UNCACHED_CLIENTS = 16;
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

async function postgresVersion(databaseUrl: string): Promise<string> {
  const client = benchClient(databaseUrl);
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return `PostgreSQL ${rows[0].v}`;
  } finally {
    await client.end();
  }
}

interface Org {
  shape: { teams: number; people: number; days: number; start: Date };
  events: EventEnvelope[];
}

/**
 * One whole run: B1-B4, E1-E5, E7, peak memory and E4 on a fresh broker, database and apps; then E6 on
 * a broker, database and apps of its own.
 */
async function benchRun(
  options: BenchOptions,
  org: Org,
  serverUrl: string,
  run: number,
): Promise<RunFigures> {
  const runDir = process.env.BENCH_RUN_DIR ?? join(repoRoot, '.run', 'bench');
  const broker = await BenchBroker.start(runDir);
  const figures = await cleaningUp(
    () => broker.stop(),
    async () => {
      const databaseUrl = await createRunDatabase(
        serverUrl,
        `${new URL(serverUrl).pathname.slice(1)}_run${run}`,
      );
      return cleaningUp(
        () => dropRunDatabase(serverUrl, databaseUrl),
        () => measure(options, org, broker, databaseUrl, run),
      );
    },
  );
  log(`run ${run}: E6 large org`);
  const e6LargeOrg = await largeOrgBench(
    {
      size: options.large,
      days: options.days,
      start: org.shape.start,
      runDir,
      serverUrl,
      run,
      dashboardClients: options.dashboardClients,
      dashboardSeconds: options.dashboardSeconds,
      uncachedClients: UNCACHED_CLIENTS,
      pageLoads: pageLoads(options),
      profileDir:
        options.profileDir && options.runs > 1 ? join(options.profileDir, `run-${run}`) : options.profileDir,
    },
    (message) => log(`run ${run}: ${message}`),
  ).catch((error: unknown): LargeOrgFailure => {
    if (stopping) throw error;
    // the run's other figures stand; the report shows the failure and the bench exits non-zero
    const failure = largeOrgFailure(error);
    log(`run ${run}: E6 failed: ${failure.failed}`);
    return failure;
  });
  return { ...figures, e6LargeOrg };
}

const pageLoads = (options: BenchOptions) => (options.quick ? 3 : 10);

async function measure(
  options: BenchOptions,
  org: Org,
  broker: BenchBroker,
  databaseUrl: string,
  run: number,
): Promise<Omit<RunFigures, 'e6LargeOrg'>> {
  const { brokers } = broker;
  const { shape, events } = org;
  log(`run ${run}: starting the apps`);
  const profileDir =
    options.profileDir && options.runs > 1 ? join(options.profileDir, `run-${run}`) : options.profileDir;
  const stack = await BenchStack.start(brokers, databaseUrl, profileDir);
  return cleaningUp(
    () => stack.stop(),
    async () => {
      const watched: WatchedProcess[] = [
        ...stack.appProcesses(),
        { group: 'kafka broker', pid: broker.pid() },
        { group: 'bench (this process)', pid: process.pid },
      ];
      const ingestedAt = new Date().toISOString();
      const asAccepted = accepted(events, stack.org.orgId, ingestedAt);
      log(`run ${run}: B2 raw produce`);
      const b2 = await rawProduce(brokers, asAccepted, options.ingestClients);
      log(`run ${run}: B3 raw COPY`);
      const b3 = await rawCopy(databaseUrl, asAccepted);
      log(`run ${run}: B4 raw pipeline`);
      const b4 = await rawPipeline(
        brokers,
        databaseUrl,
        {
          shape: { ...shape, start: shape.start.toISOString(), seed: 1 },
          orgId: stack.org.orgId,
          ingestedAt,
        },
        events.length,
        options.ingestClients,
        watched,
      );
      log(`run ${run}: E1 ingest of ${events.length} events`);
      const bodies = requestBodies(events);
      const sampler = await CpuSampler.start(watched, databaseUrl);
      const e1 = await ingestThroughput(stack, bodies, options.ingestClients);
      const e1Cpu = await sampler.stop();
      stack.assertRunning();
      log(`run ${run}: B1 raw consume`);
      const b1 = await rawConsume(brokers);
      log(`run ${run}: E2 projection lag at ${options.steadyRate} events/s for ${options.steadySeconds} s`);
      const e2 = await projectionLag(
        stack,
        options.steadyRate,
        options.steadySeconds,
        syntheticTeams(options.teams),
      );
      stack.assertRunning();
      const window = {
        from: shape.start.toISOString(),
        to: new Date(shape.start.getTime() + options.days * 86_400_000).toISOString(),
      };
      const levels = [];
      const dashboard = JSON.stringify({ query: DASHBOARD_QUERY, variables: { window } });
      for (const clients of options.dashboardClients) {
        log(`run ${run}: E3 dashboard with ${clients} clients for ${options.dashboardSeconds} s`);
        levels.push(await autocannonLoad(stack, clients, options.dashboardSeconds, () => dashboard));
      }
      // checks the answers (every team) and counts SQL statements
      const statements = await dashboardStatements(stack, window, options.teams);
      const groups = dashboardGroupsOf(events);
      log(`run ${run}: E3-uncached, ${UNCACHED_CLIENTS} clients, each request another window and group`);
      const uncached = await autocannonLoad(stack, UNCACHED_CLIENTS, options.dashboardSeconds, (n) =>
        JSON.stringify({ query: GROUP_DASHBOARD_QUERY, variables: uncachedVariables(n, window, groups) }),
      );
      // autocannon stopped with E3-uncached's requests in flight: the API computes them on, and E5's
      // first loads would share it with them
      const api = stack.appProcesses().find((p) => p.group === 'api');
      if (api !== undefined) {
        const { settled, waitedMs } = await processSettled(api.pid);
        log(
          `run ${run}: the API ${settled ? 'settled' : 'was still busy'} ${Math.round(waitedMs)} ms after E3-uncached`,
        );
      }
      log(`run ${run}: E5 the leadership page's first load`);
      const e5Sampler = await CpuSampler.start(watched, databaseUrl);
      let e5Load: PageFirstLoad;
      let e5Cpu: CpuReport;
      try {
        e5Load = await pageFirstLoad(stack, window, pageLoads(options));
      } finally {
        // also when a load fails: the sampler's connection must end before the database is dropped
        e5Cpu = await e5Sampler.stop();
      }
      const e5 = { ...e5Load, cpu: e5Cpu };
      stack.assertRunning();
      // after E3 and E5, whose answers and statement counts are for the synthetic org alone
      log(`run ${run}: E7 history independence`);
      const e7 = await historyIndependence(
        stack,
        {
          subjects: options.historySubjects,
          historyEvents: options.historyEvents,
          rate: options.steadyRate,
          seconds: options.steadySeconds,
          clients: options.ingestClients,
        },
        (message) => log(`run ${run}: ${message}`),
      );
      stack.assertRunning();
      const peakMemoryMiB = stack.peakMemoryMiB();
      await stack.stop();
      log(`run ${run}: E4 filling the event store to ${options.rebuildEvents} events`);
      await fillEventStore(databaseUrl, options.rebuildEvents, (seed) => syntheticOrg({ ...shape, seed }));
      log(`run ${run}: E4 rebuild`);
      const e4 = await rebuildThroughput(databaseUrl);
      return {
        b1RawConsume: b1,
        b2RawProduce: b2,
        b3RawCopy: b3,
        b4RawPipeline: b4,
        e1Ingest: { ...e1, ratioToB4: e1.eventsPerSecond / b4.eventsPerSecond, cpu: e1Cpu },
        e2ProjectionLag: e2,
        e3Dashboard: { levels, uncached, sqlStatementsPerRequest: statements },
        e5PageFirstLoad: e5,
        e7HistoryIndependence: e7,
        e4Rebuild: e4,
        peakMemoryMiB,
      };
    },
  );
}

async function bench(options: BenchOptions, command: string) {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('DATABASE_URL is not set: run the bench through `npm run bench`');
  const startedAt = new Date().toISOString();
  const start = syntheticYearStart(options.days);
  const shape = { teams: options.teams, people: options.people, days: options.days, start };
  const events = syntheticOrg({ ...shape, seed: 1 });
  log(`synthetic org: ${events.length} events; ${options.runs} run${options.runs > 1 ? 's' : ''}`);
  const runs: RunFigures[] = [];
  for (let run = 1; run <= options.runs; run++)
    runs.push(await benchRun(options, { shape, events }, serverUrl, run));
  closeConnections();
  return benchResult({
    startedAt,
    command,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown CPU',
      cores: cpus().length,
      memoryGiB: totalmem() / 1024 ** 3,
      node: process.versions.node,
      postgres: await postgresVersion(serverUrl),
      kafka:
        /KAFKA_VERSION=(\S+)/.exec(readFileSync(join(repoRoot, 'infra/kafka/kafka.sh'), 'utf8'))?.[1] ?? '?',
    },
    options,
    org: { events: events.length, teams: options.teams, people: options.people, days: options.days },
    runs,
  });
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  let options: BenchOptions;
  try {
    options = parseBenchOptions(args);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  const result = await bench(options, ['npm run bench', ...(args.length ? ['--', ...args] : [])].join(' '));
  const file = writeResult(repoRoot, result, options.record);
  process.stdout.write(`${renderMarkdown(result)}\n`);
  log(`results: ${file}${options.record ? ' (tables appended to docs/benchmarks.md)' : ''}`);
  const failed = result.runs.filter((r) => 'failed' in r.e6LargeOrg).length;
  if (failed > 0) log(`E6 failed in ${failed} of ${result.runs.length} runs (the report says why)`);
  return failed > 0 ? 1 : 0;
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    stopping = true;
    log(`${signal}: stopping the run's apps, broker and database`);
    // the measurement in flight fails as its apps go away; that must not end the cleanup
    process.on('uncaughtException', () => undefined);
    process.on('unhandledRejection', () => undefined);
    // innermost first: the apps, then the database they use, then the broker
    const pending = [...cleanups].reverse();
    void pending
      .reduce((done, cleanup) => done.then(cleanup).catch(() => undefined), Promise.resolve())
      .finally(() => process.exit(130));
  });

main().then(
  (code) => stopping || process.exit(code),
  (error: unknown) => {
    if (stopping) return; // the signal handler exits once the cleanup is done
    process.stderr.write(
      `bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);

import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot, testEnvironment } from '@orgpulse/testing';
import { Client } from 'pg';
import { USAGE, BenchUsageError, type BenchOptions, parseBenchOptions } from './bench-options';
import { BenchStack } from './bench-stack';
import { rawConsume, rawCopy, rawProduce } from './baselines';
import { dashboardLoad, dashboardStatements } from './dashboard-load';
import { closeConnections } from './http-client';
import { ingestThroughput } from './ingest-throughput';
import { projectionLag } from './projection-lag';
import { accepted, fillEventStore, rebuildThroughput } from './rebuild-throughput';
import { type BenchResult, renderMarkdown, writeResult } from './report';
import { syntheticOrg } from './synthetic-org';

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

async function postgresVersion(databaseUrl: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return `PostgreSQL ${rows[0].v}`;
  } finally {
    await client.end();
  }
}

async function bench(options: BenchOptions, command: string): Promise<BenchResult> {
  const { kafkaBrokers, databaseUrl } = testEnvironment();
  const startedAt = new Date().toISOString();
  // the synthetic year ends a week ago: every event is in the past, as in a backfill
  const start = new Date(
    Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) -
      (options.days + 7) * 86_400_000,
  );
  const shape = { teams: options.teams, people: options.people, days: options.days, start };
  const events = syntheticOrg({ ...shape, seed: 1 });
  log(`synthetic org: ${events.length} events; starting the apps`);
  const stack = await BenchStack.start(kafkaBrokers, databaseUrl, options.profileDir);
  try {
    const asAccepted = accepted(events, stack.org.orgId, new Date().toISOString());
    log('B2 raw produce');
    const b2 = await rawProduce(kafkaBrokers, asAccepted, options.ingestClients);
    log('B3 raw COPY');
    const b3 = await rawCopy(databaseUrl, asAccepted);
    log(`E1 ingest of ${events.length} events`);
    const e1 = await ingestThroughput(stack, events, options.ingestClients);
    stack.assertRunning();
    log('B1 raw consume');
    const b1 = await rawConsume(kafkaBrokers);
    log(`E2 projection lag at ${options.steadyRate} events/s for ${options.steadySeconds} s`);
    const e2 = await projectionLag(stack, options.steadyRate, options.steadySeconds, options.teams);
    stack.assertRunning();
    const window = {
      from: start.toISOString(),
      to: new Date(start.getTime() + options.days * 86_400_000).toISOString(),
    };
    const levels = [];
    for (const clients of options.dashboardClients) {
      log(`E3 dashboard with ${clients} clients for ${options.dashboardSeconds} s`);
      levels.push(await dashboardLoad(stack, window, options.teams, clients, options.dashboardSeconds));
    }
    const statements = await dashboardStatements(stack, window, options.teams);
    stack.assertRunning();
    const peakMemoryMiB = stack.peakMemoryMiB();
    await stack.stop();
    log(`E4 filling the event store to ${options.rebuildEvents} events`);
    await fillEventStore(databaseUrl, options.rebuildEvents, (seed) => syntheticOrg({ ...shape, seed }));
    log('E4 rebuild');
    const e4 = await rebuildThroughput(databaseUrl);
    return {
      startedAt,
      command,
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown CPU',
        cores: cpus().length,
        memoryGiB: totalmem() / 1024 ** 3,
        node: process.versions.node,
        postgres: await postgresVersion(databaseUrl),
        kafka:
          /KAFKA_VERSION=(\S+)/.exec(readFileSync(join(repoRoot, 'infra/kafka/kafka.sh'), 'utf8'))?.[1] ??
          '?',
      },
      options,
      org: { events: events.length, teams: options.teams, people: options.people, days: options.days },
      b1RawConsume: b1,
      b2RawProduce: b2,
      b3RawCopy: b3,
      e1Ingest: {
        ...e1,
        ratioToBaseline: e1.eventsPerSecond / Math.min(b1.eventsPerSecond, b3.eventsPerSecond),
      },
      e2ProjectionLag: e2,
      e3Dashboard: { levels, sqlStatementsPerRequest: statements },
      e4Rebuild: e4,
      peakMemoryMiB,
    };
  } finally {
    await stack.stop();
    closeConnections();
  }
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
  log(`results: ${file}${options.record ? ' (table appended to docs/benchmarks.md)' : ''}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);

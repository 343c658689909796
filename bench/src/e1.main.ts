import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@orgpulse/testing';
import { BenchBroker } from './bench-broker';
import { createRunDatabase, dropRunDatabase } from './bench-database';
import { BenchStack } from './bench-stack';
import { cleaningUp } from './cleanups';
import type { CpuReport } from './cpu-accounting';
import { CpuSampler } from './cpu-sampler';
import { closeConnections } from './http-client';
import { ingestThroughput, requestBodies } from './ingest-throughput';
import { rawCopy, rawProduce } from './baselines';
import { rawPipeline } from './pipeline-baseline';
import { accepted, dashboardGroupsOf, syntheticOrg, syntheticYearStart } from './synthetic-org';

/**
 * B4 as the bench runs it (on the stack, after B2 and B3, before E1), for a ratio from one invocation:
 * B2 and B3 warm the broker and PostgreSQL as they do in the bench.
 */
async function b4EventsPerSecond(
  stack: BenchStack,
  brokers: string,
  shape: typeof SHAPE,
  events: ReturnType<typeof syntheticOrg>,
  watched: Parameters<typeof rawPipeline>[5],
): Promise<{ eventsPerSecond: number; cpuMicrosPerEvent: number }> {
  const total = events.length;
  const ingestedAt = new Date().toISOString();
  const asAccepted = accepted(events, stack.org.orgId, ingestedAt);
  await rawProduce(brokers, asAccepted, 8);
  await rawCopy(stack.databaseUrl, asAccepted);
  const org = { shape: { ...shape, start: shape.start.toISOString() }, orgId: stack.org.orgId, ingestedAt };
  const b4 = await rawPipeline(brokers, stack.databaseUrl, org, total, 8, watched);
  return { eventsPerSecond: b4.eventsPerSecond, cpuMicrosPerEvent: watchedMicros(b4.cpu, total) };
}

/** The CPU of the watched processes (PostgreSQL's backends included) an event: others on the host left out. */
const watchedMicros = (cpu: CpuReport, events: number) =>
  (1e6 * (cpu.machine.cpuSeconds - cpu.unaccounted.cpuSeconds)) / events;

const SHAPE = { teams: 200, people: 2000, days: 365, start: syntheticYearStart(365), seed: 1 };

/**
 * E1 alone, as the bench runs it (same org, apps, broker and CPU accounting), for working on ingest and
 * the projector: `node dist/bench/bench/src/e1.main.js [profile dir]` with DATABASE_URL naming the server.
 * Prints the figure and the CPU seconds per 1,000 events of each process. With KEEP=<file> the database is
 * kept and described in that file for page-probe.main.ts (read models as live projection left them).
 * With B4=1, B4 runs on the same stack first, as in the bench, and the ratio E1 / B4 is printed too.
 */
async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('DATABASE_URL is not set');
  const profileDir = process.argv[2];
  const keep = process.env.KEEP;
  const { days, start } = SHAPE;
  const events = syntheticOrg(SHAPE);
  const broker = await BenchBroker.start(join(repoRoot, '.run', 'bench-e1'));
  await cleaningUp(
    () => broker.stop(),
    async () => {
      const databaseUrl = await createRunDatabase(serverUrl, `orgpulse_e1_${Date.now()}`);
      await cleaningUp(
        () => (keep ? Promise.resolve() : dropRunDatabase(serverUrl, databaseUrl)),
        async () => {
          const stack = await BenchStack.start(broker.brokers, databaseUrl, profileDir);
          await cleaningUp(
            () => stack.stop(),
            async () => {
              const watched = [
                ...stack.appProcesses(),
                { group: 'kafka broker', pid: broker.pid() },
                { group: 'bench', pid: process.pid },
              ];
              const b4 =
                process.env.B4 === '1'
                  ? await b4EventsPerSecond(stack, broker.brokers, SHAPE, events, watched)
                  : undefined;
              const bodies = requestBodies(events);
              const sampler = await CpuSampler.start(watched, databaseUrl);
              const e1 = await ingestThroughput(stack, bodies, 8);
              if (keep)
                writeFileSync(
                  keep,
                  JSON.stringify({
                    url: databaseUrl,
                    org: stack.org,
                    start,
                    days,
                    groups: dashboardGroupsOf(events),
                  }),
                );
              const cpu = await sampler.stop();
              stack.assertRunning();
              const metrics = await (await fetch(stack.url('projector', '/metrics'))).text();
              const figure = (name: string) =>
                Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
              const transactions = figure('orgpulse_projector_transaction_records_count');
              const perThousand = Object.fromEntries(
                Object.entries(cpu.groups)
                  .filter(([, g]) => g.cpuSeconds > 0)
                  .map(([group, g]) => [group, +((1000 * g.cpuSeconds) / events.length).toFixed(3)]),
              );
              console.log(
                JSON.stringify({
                  events: e1.events,
                  eventsPerSecond: Math.round(e1.eventsPerSecond),
                  ...(b4 === undefined
                    ? {}
                    : {
                        b4: Math.round(b4.eventsPerSecond),
                        ratioToB4: +(e1.eventsPerSecond / b4.eventsPerSecond).toFixed(3),
                        // the watched processes' CPU an event: steadier than the rates on a noisy host
                        cpuMicrosPerEvent: {
                          e1: Math.round(watchedMicros(cpu, events.length)),
                          b4: Math.round(b4.cpuMicrosPerEvent),
                        },
                      }),
                  acceptedMs: Math.round(e1.acceptedMs),
                  ms: Math.round(e1.ms),
                  retries: e1.retries,
                  machinePercent: Math.round(cpu.machine.percentOfMachine),
                  projectorTransactions: transactions,
                  recordsPerTransaction: Math.round(
                    figure('orgpulse_projector_transaction_records_sum') / transactions,
                  ),
                  partitionsPerTransaction: +(
                    figure('orgpulse_projector_transaction_partitions_sum') / transactions
                  ).toFixed(1),
                  cpuSecondsPer1000Events: perThousand,
                  transactionSeconds: +figure('orgpulse_projector_batch_duration_seconds_sum').toFixed(2),
                  stageSeconds: Object.fromEntries(
                    [
                      ...metrics.matchAll(
                        /^orgpulse_projector_stage_duration_seconds_sum\{stage="(\w+)"\} (\S+)$/gm,
                      ),
                    ].map(([, stage, seconds]) => [stage, +Number(seconds).toFixed(2)]),
                  ),
                  peakRssMiB: stack.peakMemoryMiB(),
                }),
              );
            },
          );
        },
      );
    },
  );
  closeConnections();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

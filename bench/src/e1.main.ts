import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@orgpulse/testing';
import { BenchBroker } from './bench-broker';
import { createRunDatabase, dropRunDatabase } from './bench-database';
import { BenchStack } from './bench-stack';
import { cleaningUp } from './cleanups';
import { CpuSampler } from './cpu-sampler';
import { closeConnections } from './http-client';
import { ingestThroughput } from './ingest-throughput';
import { dashboardGroupsOf, syntheticOrg, syntheticYearStart } from './synthetic-org';

/**
 * E1 alone, as the bench runs it (same org, apps, broker and CPU accounting), for working on ingest and
 * the projector: `node dist/bench/bench/src/e1.main.js [profile dir]` with DATABASE_URL naming the server.
 * Prints the figure and the CPU seconds per 1,000 events of each process. With KEEP=<file> the database is
 * kept and described in that file for page-probe.main.ts (read models as live projection left them).
 */
async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('DATABASE_URL is not set');
  const profileDir = process.argv[2];
  const keep = process.env.KEEP;
  const days = 365;
  const start = syntheticYearStart(days);
  const events = syntheticOrg({ teams: 200, people: 2000, days, start, seed: 1 });
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
              const sampler = await CpuSampler.start(watched, databaseUrl);
              const e1 = await ingestThroughput(stack, events, 8);
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

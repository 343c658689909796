import { join } from 'node:path';
import { repoRoot } from '@orgpulse/testing';
import { Client } from 'pg';
import { BenchBroker } from './bench-broker';
import { createRunDatabase, dropRunDatabase } from './bench-database';
import { BenchStack } from './bench-stack';
import { cleaningUp } from './cleanups';
import { CpuSampler } from './cpu-sampler';
import { closeConnections } from './http-client';
import { ingestThroughput, requestBodies } from './ingest-throughput';
import { projectionLag, syntheticTeams } from './projection-lag';
import { syntheticOrg } from './synthetic-org';

/**
 * E2 as the bench runs it (after E1's year, on the same apps), several times over, for working on the
 * projection lag: `node dist/bench/bench/src/e2.main.js [rounds]` with DATABASE_URL naming the server.
 * Prints each round's figures, the events whose lag was past 100 ms by the second they were seen, the CPU
 * of each process per second, what the apps' PostgreSQL backends were doing each second (sampled every
 * 50 ms: on CPU, or the wait, and for a lock wait who holds it and the waiting statement), the alerter's
 * rounds (by kind, ok or not), alerts raised and resolved, and delivery attempts per channel each second,
 * its rounds' time in all and the projector's mean time per stage of a batch. E2_DELAY_MS waits that long
 * after E1 (the bench's B1 takes a few seconds there). E2_STATEMENTS=1 adds the
 * round's costliest statements (the server must load pg_stat_statements, and the database named by
 * DATABASE_URL have the extension); E2_KEEP=1 keeps the run's database.
 */
async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('DATABASE_URL is not set');
  const rounds = Number(process.argv[2] ?? 3);
  const days = 365;
  const start = new Date(Date.now() - (days + 7) * 86_400_000);
  const events = syntheticOrg({ teams: 200, people: 2000, days, start, seed: 1 });
  const broker = await BenchBroker.start(join(repoRoot, '.run', 'bench-e2'));
  await cleaningUp(
    () => broker.stop(),
    async () => {
      const databaseUrl = await createRunDatabase(serverUrl, `orgpulse_e2_${Date.now()}`);
      await cleaningUp(
        () =>
          process.env.E2_KEEP
            ? Promise.resolve(console.log(`kept ${databaseUrl}`))
            : dropRunDatabase(serverUrl, databaseUrl),
        async () => {
          const stack = await BenchStack.start(broker.brokers, databaseUrl);
          await cleaningUp(
            () => stack.stop(),
            async () => {
              const e1 = await ingestThroughput(stack, requestBodies(events), 8);
              console.log(JSON.stringify({ e1: Math.round(e1.eventsPerSecond) }));
              // the bench runs B1 (a couple of seconds) between E1 and E2
              await new Promise((resolve) => setTimeout(resolve, Number(process.env.E2_DELAY_MS ?? 0)));
              for (let round = 1; round <= rounds; round++) {
                let slow: { at: number; lagMs: number }[] = [];
                let first = 0;
                const watched = [...stack.appProcesses(), { group: 'kafka', pid: broker.pid() }];
                const cpu: string[] = [];
                let sampling = true;
                const sampled = (async () => {
                  let counters = await alerterCounters(stack);
                  while (sampling) {
                    const sampler = await CpuSampler.start(watched, databaseUrl);
                    await new Promise((resolve) => setTimeout(resolve, 1000));
                    const report = await sampler.stop();
                    const now = await alerterCounters(stack);
                    const alerter = [...now]
                      .map(([k, v]) => [k, v - (counters.get(k) ?? 0)] as const)
                      .filter(([, d]) => d > 0)
                      .map(([k, d]) => `${k} ${Math.round(d)}`)
                      .join(' ');
                    counters = now;
                    cpu.push(
                      Object.entries(report.groups)
                        .filter(([, g]) => g.percentOfCore >= 10)
                        .map(([group, g]) => `${group} ${Math.round(g.percentOfCore)}`)
                        .join(', ') + (alerter ? ` | alerter ${alerter}` : ''),
                    );
                  }
                })();
                const activity = await backendActivity(databaseUrl);
                const stats = process.env.E2_STATEMENTS
                  ? new Client({ connectionString: serverUrl })
                  : undefined;
                await stats?.connect();
                await stats?.query('SELECT pg_stat_statements_reset()');
                const stagesBefore = await projectorStages(stack);
                const alerterBefore = await alerterRounds(stack);
                const stream = { ...syntheticTeams(200), idPrefix: `steady-${round}-` };
                const e2 = await projectionLag(stack, 1000, 30, stream, (lags) => {
                  first = Math.min(...lags.map((l) => l.at));
                  slow = lags.filter((l) => l.lagMs > 100);
                });
                const top = await stats?.query<{
                  ms: number;
                  calls: string;
                  rows: string;
                  per: string;
                  q: string;
                }>(
                  `SELECT calls, rows, round(total_exec_time)::int AS ms, round((total_exec_time / calls)::numeric, 3) AS per,
                          left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS q
                     FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 30`,
                );
                for (const r of top?.rows ?? [])
                  console.log(`  sql ${r.ms} ms ${r.calls} calls ${r.rows} rows ${r.per}: ${r.q}`);
                await stats?.end();
                sampling = false;
                await sampled;
                for (const line of await activity.stop()) console.log(`  pg ${line}`);
                cpu.forEach((line, second) => console.log(`  cpu ${second}s: ${line}`));
                const alerterAfter = await alerterRounds(stack);
                for (const [kind, [sum, count]] of alerterAfter) {
                  const [s0, c0] = alerterBefore.get(kind) ?? [0, 0];
                  if (count > c0)
                    console.log(
                      `  alerter ${kind}: ${count - c0} rounds, ${((sum - s0) * 1000).toFixed(0)} ms in all`,
                    );
                }
                const stagesAfter = await projectorStages(stack);
                for (const [stage, [sum, count]] of stagesAfter) {
                  const [s0, c0] = stagesBefore.get(stage) ?? [0, 0];
                  const n = count - c0;
                  if (n > 0)
                    console.log(
                      `  stage ${stage}: ${n} batches, mean ${(((sum - s0) / n) * 1000).toFixed(2)} ms`,
                    );
                }
                const bySecond = new Map<number, number[]>();
                for (const l of slow) {
                  const second = Math.floor((l.at - first) / 1000);
                  bySecond.set(second, [...(bySecond.get(second) ?? []), Math.round(l.lagMs)]);
                }
                console.log(
                  JSON.stringify({
                    round,
                    p50: e2.p50Ms,
                    p99: e2.p99Ms,
                    max: e2.maxMs,
                    slow: [...bySecond].map(([s, l]) => `${s}s: ${l.length} (max ${Math.max(...l)})`),
                  }),
                );
              }
              stack.assertRunning();
            },
          );
        },
      );
    },
  );
  closeConnections();
}

/**
 * Samples, every 50 ms until stopped, what the apps' PostgreSQL backends are doing: on CPU, or the wait,
 * and for a lock wait who holds it and the statement waiting. `stop` gives a line per second of counts.
 */
async function backendActivity(databaseUrl: string): Promise<{ stop: () => Promise<string[]> }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const from = Date.now();
  const bySecond = new Map<number, Map<string, number>>();
  let sampling = true;
  const sampled = (async () => {
    while (sampling) {
      const { rows } = await client.query<{ app: string; w: string }>(
        `SELECT a.application_name AS app,
                coalesce(a.wait_event_type || ':' || a.wait_event, 'cpu')
                  || CASE WHEN a.wait_event_type = 'Lock' THEN
                       ' by ' || coalesce((SELECT string_agg(b.application_name || ' (' || coalesce(b.state, '?')
                                                   || ', in its transaction '
                                                   || coalesce(round(extract(epoch FROM clock_timestamp() - b.xact_start) * 1000)::text, '?')
                                                   || ' ms: ' || left(regexp_replace(b.query, '\\s+', ' ', 'g'), 60) || ')', '+')
                                            FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(a.pid))), '?')
                       || ' in ' || left(regexp_replace(a.query, '\\s+', ' ', 'g'), 40)
                     ELSE '' END AS w
           FROM pg_stat_activity a
          WHERE a.state = 'active' AND a.application_name LIKE 'orgpulse-%'`,
      );
      const second = Math.floor((Date.now() - from) / 1000);
      const counts = bySecond.get(second) ?? new Map<string, number>();
      for (const r of rows) {
        const key = `${r.app.replace('orgpulse-', '')} ${r.w}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      bySecond.set(second, counts);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      sampling = false;
      await sampled;
      await client.end();
      return [...bySecond].map(
        ([second, counts]) =>
          `${second}s: ${[...counts]
            .sort((a, b) => b[1] - a[1])
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}`,
      );
    },
  };
}

/**
 * A histogram's time and count so far per value of its one label, from an app's /metrics: the projector's
 * stages (seconds, batches), the alerter's rounds by kind (seconds, rounds).
 */
async function histogramByLabel(
  stack: BenchStack,
  app: 'projector' | 'alerter',
  metric: string,
  label: string,
): Promise<Map<string, [number, number]>> {
  const text = await (await fetch(stack.url(app, '/metrics'))).text();
  const byLabel = new Map<string, [number, number]>();
  for (const m of text.matchAll(new RegExp(`^${metric}_(sum|count)\\{${label}="(\\w+)"\\} (\\S+)$`, 'gm'))) {
    const entry = byLabel.get(m[2]) ?? [0, 0];
    entry[m[1] === 'sum' ? 0 : 1] = Number(m[3]);
    byLabel.set(m[2], entry);
  }
  return byLabel;
}

/** The alerter's rounds by kind, alerts raised and resolved and deliveries by channel, so far. */
async function alerterCounters(stack: BenchStack): Promise<Map<string, number>> {
  const text = await (await fetch(stack.url('alerter', '/metrics'))).text();
  const counters = new Map<string, number>();
  const prefixes: Record<string, string> = {
    evaluation_rounds: 'rounds ',
    alert_changes: '',
    deliveries: 'sent ',
  };
  const pattern =
    /^orgpulse_alerter_(evaluation_rounds|alert_changes|deliveries)_total\{\w+="(\w+)"[^}]*\} (\S+)$/gm;
  for (const [, metric, label, value] of text.matchAll(pattern)) {
    const key = `${prefixes[metric]}${label}`;
    counters.set(key, (counters.get(key) ?? 0) + Number(value));
  }
  return counters;
}

const projectorStages = (stack: BenchStack) =>
  histogramByLabel(stack, 'projector', 'orgpulse_projector_stage_duration_seconds', 'stage');
const alerterRounds = (stack: BenchStack) =>
  histogramByLabel(stack, 'alerter', 'orgpulse_alerter_evaluation_round_duration_seconds', 'kind');

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

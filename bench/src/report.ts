import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from './bench-options';
import type { Rate } from './baselines';
import type { DashboardLoad } from './dashboard-load';
import type { IngestThroughput } from './ingest-throughput';
import type { ProjectionLag } from './projection-lag';
import type { RebuildThroughput } from './rebuild-throughput';
import { round } from './stats';

export interface BenchResult {
  startedAt: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; postgres: string; kafka: string };
  options: BenchOptions;
  org: { events: number; teams: number; people: number; days: number };
  b1RawConsume: Rate & { joinMs: number };
  b2RawProduce: Rate;
  b3RawCopy: Rate;
  e1Ingest: IngestThroughput & { ratioToBaseline: number };
  e2ProjectionLag: ProjectionLag;
  e3Dashboard: { levels: DashboardLoad[]; sqlStatementsPerRequest: { first: number; steady: number } };
  e4Rebuild: RebuildThroughput;
  peakMemoryMiB: Record<string, number>;
}

export const TARGETS = {
  e1EventsPerSecond: 5_000,
  e1Ratio: 0.3,
  e2P99Ms: 250,
  e3P95Ms: 100,
  e4EventsPerSecond: 15_000,
  memoryMiB: 512,
};

const n = (value: number, digits = 0) => round(value, digits).toLocaleString('en-US');
const verdict = (met: boolean) => (met ? 'met' : '**not met**');

/** The run as Markdown rows: figure, value, target. */
export function renderMarkdown(result: BenchResult): string {
  const { machine, org } = result;
  const at50 = result.e3Dashboard.levels.find((l) => l.clients === 50);
  const e1 = result.e1Ingest;
  const worstMemory = Math.max(...Object.values(result.peakMemoryMiB), result.e4Rebuild.peakRssMiB);
  const rows: [string, string, string][] = [
    ['B1 raw kafkajs consume (eachBatch no-op)', `${n(result.b1RawConsume.eventsPerSecond)} events/s`, ''],
    [
      'B2 raw kafkajs produce (acks=all, batches of 100)',
      `${n(result.b2RawProduce.eventsPerSecond)} events/s`,
      '',
    ],
    [
      'B3 raw PostgreSQL COPY into an event-store-shaped table',
      `${n(result.b3RawCopy.eventsPerSecond)} events/s`,
      '',
    ],
    [
      `E1 ingest over HTTP until projected (${n(e1.events)} events, ${result.options.ingestClients} clients)`,
      `${n(e1.eventsPerSecond)} events/s; all accepted by Kafka after ${n(e1.acceptedMs / 1000, 1)} s`,
      `≥ ${n(TARGETS.e1EventsPerSecond)}: ${verdict(e1.eventsPerSecond >= TARGETS.e1EventsPerSecond)}`,
    ],
    [
      'E1 / min(B1, B3)',
      n(e1.ratioToBaseline, 2),
      `≥ ${TARGETS.e1Ratio}: ${verdict(e1.ratioToBaseline >= TARGETS.e1Ratio)}`,
    ],
    [
      `E2 projection lag at ${n(result.e2ProjectionLag.targetRate)} events/s (achieved ${n(result.e2ProjectionLag.achievedRate)})`,
      `p50 ${n(result.e2ProjectionLag.p50Ms)} ms, p99 ${n(result.e2ProjectionLag.p99Ms)} ms, max ${n(result.e2ProjectionLag.maxMs)} ms`,
      `p99 ≤ ${TARGETS.e2P99Ms} ms: ${verdict(result.e2ProjectionLag.p99Ms <= TARGETS.e2P99Ms)}`,
    ],
    ...result.e3Dashboard.levels.map((level): [string, string, string] => [
      `E3 dashboard (overview + idleness + discovery, ${org.teams} teams), ${level.clients} clients`,
      `p50 ${n(level.p50Ms, 1)} ms, p95 ${n(level.p95Ms, 1)} ms, p99 ${n(level.p99Ms, 1)} ms, ${n(level.requestsPerSecond)} req/s`,
      level === at50 ? `p95 ≤ ${TARGETS.e3P95Ms} ms: ${verdict(level.p95Ms <= TARGETS.e3P95Ms)}` : '',
    ]),
    [
      'E3 SQL statements per dashboard request',
      `${n(result.e3Dashboard.sqlStatementsPerRequest.first, 1)} (first), ${n(result.e3Dashboard.sqlStatementsPerRequest.steady, 1)} (then)`,
      '',
    ],
    [
      `E4 rebuild of all read models from ${n(result.e4Rebuild.events)} events`,
      `${n(result.e4Rebuild.eventsPerSecond)} events/s (${n(result.e4Rebuild.ms / 1000, 1)} s)`,
      `≥ ${n(TARGETS.e4EventsPerSecond)}: ${verdict(result.e4Rebuild.eventsPerSecond >= TARGETS.e4EventsPerSecond)}`,
    ],
    [
      'Peak RSS per app',
      [...Object.entries(result.peakMemoryMiB), ['cli rebuild', result.e4Rebuild.peakRssMiB] as const]
        .map(([app, mib]) => `${app} ${n(mib)} MiB`)
        .join(', '),
      `≤ ${TARGETS.memoryMiB} MiB: ${verdict(worstMemory <= TARGETS.memoryMiB)}`,
    ],
  ];
  return [
    `### Run of ${result.startedAt}${result.options.quick ? ' (quick)' : ''}`,
    '',
    `\`${result.command}\` on ${machine.cpu}, ${machine.cores} cores, ${n(machine.memoryGiB)} GiB; Node ${machine.node}, ${machine.postgres}, Kafka ${machine.kafka}.`,
    `Synthetic org: ${n(org.teams)} teams, ${n(org.people)} people, ${n(org.days)} days, ${n(org.events)} events.`,
    '',
    '| Figure | Result | Target |',
    '|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ].join('\n');
}

/** Writes bench/results/<time>.json; appends the table to docs/benchmarks.md when asked to record. */
export function writeResult(root: string, result: BenchResult, record: boolean): string {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(
    dir,
    `${result.startedAt.replace(/[:.]/g, '-')}${result.options.quick ? '-quick' : ''}.json`,
  );
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  if (record) {
    const docs = join(root, 'docs', 'benchmarks.md');
    if (!existsSync(docs)) writeFileSync(docs, '# Benchmarks\n\n');
    appendFileSync(docs, `\n${renderMarkdown(result)}`);
  }
  return file;
}

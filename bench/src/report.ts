import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from './bench-options';
import type { Rate } from './baselines';
import type { CpuReport, Utilisation } from './cpu-accounting';
import type { DashboardLoad } from './dashboard-load';
import type { HistoryIndependence } from './history-independence';
import type { IngestThroughput } from './ingest-throughput';
import { ALERTER_SETTLE_LIMIT_S } from './alerter-settled';
import type { LargeOrgFailure, LargeOrgFigures, LargeOrgSetup } from './large-org-bench';
import type { PageFirstLoad } from './page-load';
import type { PipelineRate } from './pipeline-baseline';
import type { ProjectionLag } from './projection-lag';
import type { RebuildThroughput } from './rebuild-throughput';
import { type Spreads, summariseRuns } from './run-summary';
import { type Spread, round, spread } from './stats';

/** Everything one run measured, as measured. */
export interface RunFigures {
  b1RawConsume: Rate & { joinMs: number };
  b2RawProduce: Rate;
  b3RawCopy: Rate;
  b4RawPipeline: PipelineRate;
  /** ratioToB4: this run's E1 over this run's B4. */
  e1Ingest: IngestThroughput & { ratioToB4: number; cpu: CpuReport };
  e2ProjectionLag: ProjectionLag;
  /** levels: the same query again (served from the result cache); uncached: each request another window and group. */
  e3Dashboard: {
    levels: DashboardLoad[];
    uncached: DashboardLoad;
    sqlStatementsPerRequest: { first: number; steady: number };
  };
  /** The leadership page's first load: all its queries, as it sends them. */
  e5PageFirstLoad: PageFirstLoad & { cpu?: CpuReport };
  /** E2's lag on teams with a long history against fresh ones. */
  e7HistoryIndependence: HistoryIndependence;
  e4Rebuild: RebuildThroughput;
  /** Peak RSS of each app process over the run (E6's apps are in e6LargeOrg). */
  peakMemoryMiB: Record<string, number>;
  /** A large org loaded and rebuilt in a database of its own; the page and the dashboard on it. */
  e6LargeOrg: LargeOrgFigures | LargeOrgFailure;
}

export interface BenchResult {
  startedAt: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; postgres: string; kafka: string };
  options: BenchOptions;
  org: { events: number; teams: number; people: number; days: number };
  /** Every run's raw figures. */
  runs: RunFigures[];
  /** Median, min and max of every figure over the runs. */
  summary: Spreads<RunFigures>;
}

/** Issue 20's targets (the full bench's medians on an idle 2-core machine). */
export const TARGETS = {
  e1EventsPerSecond: 15_000,
  e1RatioToB4: 0.6,
  e2P99Ms: 100,
  /** cached, at 50 clients */
  e3P95Ms: 25,
  /** each request another window and group, at 16 clients */
  e3UncachedP95Ms: 75,
  e5Ms: 300,
  e4EventsPerSecond: 120_000,
  /** the page's first load on the large org over the same in the same run */
  e6ToE5: 2,
  /** E2's p99 on teams with 5,000 events of history over the same on fresh teams */
  e7P99Ratio: 2,
  /** "256 MB" read strictly: 256,000,000 bytes, 244.1 MiB; every app, also in E6. */
  memoryMB: 256,
};
const MEMORY_LIMIT_MIB = (TARGETS.memoryMB * 1e6) / 2 ** 20;

export function benchResult(base: Omit<BenchResult, 'summary'>): BenchResult {
  return { ...base, summary: summariseRuns(base.runs) };
}

const n = (value: number, digits = 0) =>
  Number.isNaN(value) ? '?' : round(value, digits).toLocaleString('en-US');

/** Renders the runs of one result: each figure as "median (min–max)", or the value alone for one run. */
class Figures {
  constructor(private readonly runs: readonly RunFigures[]) {}

  over(get: (run: RunFigures) => number): Spread {
    return spread(this.runs.map(get));
  }

  /** "median (min–max)"; the value alone when there is one run or every run gave the same. */
  show(get: (run: RunFigures) => number, digits = 0): string {
    const s = this.over(get);
    const [median, min, max] = [s.median, s.min, s.max].map((v) => n(v, digits));
    return min === max ? median : `${median} (${min}–${max})`;
  }

  /** The verdict on the median, and in how many runs the target was met. */
  target(text: string, get: (run: RunFigures) => number, met: (value: number) => boolean): string {
    const median = this.over(get).median;
    const verdict = !Number.isNaN(median) && met(median) ? 'met' : '**not met**';
    const count = this.runs.filter((run) => met(get(run))).length;
    return `${text}: ${verdict}${this.runs.length > 1 ? ` (${count} of ${this.runs.length} runs)` : ''}`;
  }
}

/** The run as Markdown: the figures against their targets, then CPU per process during E1 and B4. */
export function renderMarkdown(result: BenchResult): string {
  const { machine, org, runs } = result;
  const f = new Figures(runs);
  const first = runs[0];
  const apps = Object.keys(first.peakMemoryMiB);
  const worstMemory = (run: RunFigures) =>
    Math.max(...Object.values(run.peakMemoryMiB), run.e4Rebuild.peakRssMiB);
  const rows: [string, string, string][] = [
    [
      'B1 raw kafkajs consume (eachBatch no-op)',
      `${f.show((r) => r.b1RawConsume.eventsPerSecond)} events/s`,
      '',
    ],
    [
      'B2 raw kafkajs produce (acks=all, batches of 100)',
      `${f.show((r) => r.b2RawProduce.eventsPerSecond)} events/s`,
      '',
    ],
    [
      'B3 raw PostgreSQL COPY into an event-store-shaped table',
      `${f.show((r) => r.b3RawCopy.eventsPerSecond)} events/s`,
      '',
    ],
    [
      'B4 raw pipeline: B2 producing while B1 consumes and B3 copies each batch, first produce to last row committed',
      `${f.show((r) => r.b4RawPipeline.eventsPerSecond)} events/s; all produced after ${f.show((r) => r.b4RawPipeline.producedMs / 1000, 1)} s`,
      '',
    ],
    [
      `E1 ingest over HTTP until projected (${n(org.events)} events, ${result.options.ingestClients} clients)`,
      `${f.show((r) => r.e1Ingest.eventsPerSecond)} events/s; all accepted by Kafka after ${f.show((r) => r.e1Ingest.acceptedMs / 1000, 1)} s`,
      f.target(
        `≥ ${n(TARGETS.e1EventsPerSecond)}`,
        (r) => r.e1Ingest.eventsPerSecond,
        (v) => v >= TARGETS.e1EventsPerSecond,
      ),
    ],
    [
      'E1 / B4 (each run against its own B4)',
      f.show((r) => r.e1Ingest.ratioToB4, 2),
      f.target(
        `≥ ${TARGETS.e1RatioToB4}`,
        (r) => r.e1Ingest.ratioToB4,
        (v) => v >= TARGETS.e1RatioToB4,
      ),
    ],
    [
      `E2 projection lag at ${n(first.e2ProjectionLag.targetRate)} events/s (achieved ${f.show((r) => r.e2ProjectionLag.achievedRate)})`,
      `p50 ${f.show((r) => r.e2ProjectionLag.p50Ms)} ms, p99 ${f.show((r) => r.e2ProjectionLag.p99Ms)} ms, max ${f.show((r) => r.e2ProjectionLag.maxMs)} ms`,
      f.target(
        `p99 ≤ ${TARGETS.e2P99Ms} ms`,
        (r) => r.e2ProjectionLag.p99Ms,
        (v) => v <= TARGETS.e2P99Ms,
      ),
    ],
    ...first.e3Dashboard.levels.map((level, i): [string, string, string] => {
      const at = (get: (l: DashboardLoad) => number) => (r: RunFigures) => get(r.e3Dashboard.levels[i]);
      return [
        `E3 dashboard (overview + idleness + discovery, ${org.teams} teams), same query (cached), ${level.clients} clients`,
        `p50 ${f.show(
          at((l) => l.p50Ms),
          1,
        )} ms, p95 ${f.show(
          at((l) => l.p95Ms),
          1,
        )} ms, p99 ${f.show(
          at((l) => l.p99Ms),
          1,
        )} ms, ${f.show(at((l) => l.requestsPerSecond))} req/s`,
        level.clients === 50
          ? f.target(
              `p95 ≤ ${TARGETS.e3P95Ms} ms`,
              at((l) => l.p95Ms),
              (v) => v <= TARGETS.e3P95Ms,
            )
          : '',
      ];
    }),
    [
      `E3-uncached dashboard of a group or the org, each request another window and group, ${first.e3Dashboard.uncached?.clients ?? '?'} clients`,
      `p50 ${f.show((r) => r.e3Dashboard.uncached?.p50Ms ?? Number.NaN, 1)} ms, p95 ${f.show((r) => r.e3Dashboard.uncached?.p95Ms ?? Number.NaN, 1)} ms, p99 ${f.show((r) => r.e3Dashboard.uncached?.p99Ms ?? Number.NaN, 1)} ms, ${f.show((r) => r.e3Dashboard.uncached?.requestsPerSecond ?? Number.NaN)} req/s`,
      f.target(
        `p95 ≤ ${TARGETS.e3UncachedP95Ms} ms`,
        (r) => r.e3Dashboard.uncached?.p95Ms ?? Number.NaN,
        (v) => v <= TARGETS.e3UncachedP95Ms,
      ),
    ],
    [
      `E5 the leadership page's first load (all its queries, a 12-week window not asked before), ${org.teams} teams`,
      `p50 ${f.show((r) => r.e5PageFirstLoad?.p50Ms ?? Number.NaN, 1)} ms, max ${f.show((r) => r.e5PageFirstLoad?.maxMs ?? Number.NaN, 1)} ms over ${first.e5PageFirstLoad?.loads ?? '?'} loads`,
      f.target(
        `≤ ${TARGETS.e5Ms} ms`,
        (r) => r.e5PageFirstLoad?.p50Ms ?? Number.NaN,
        (v) => v <= TARGETS.e5Ms,
      ),
    ],
    [
      'E3 SQL statements per dashboard request',
      `${f.show((r) => r.e3Dashboard.sqlStatementsPerRequest.first, 1)} (first), ${f.show((r) => r.e3Dashboard.sqlStatementsPerRequest.steady, 1)} (then)`,
      '',
    ],
    [
      `E4 rebuild of all read models from ${n(first.e4Rebuild.events)} events`,
      `${f.show((r) => r.e4Rebuild.eventsPerSecond)} events/s (${f.show((r) => r.e4Rebuild.ms / 1000, 1)} s)`,
      f.target(
        `≥ ${n(TARGETS.e4EventsPerSecond)}`,
        (r) => r.e4Rebuild.eventsPerSecond,
        (v) => v >= TARGETS.e4EventsPerSecond,
      ),
    ],
    [
      'Peak RSS per app (MiB)',
      [
        ...apps.map((app) => `${app} ${f.show((r) => r.peakMemoryMiB[app])}`),
        `cli rebuild ${f.show((r) => r.e4Rebuild.peakRssMiB)}`,
      ].join(', '),
      f.target(
        `each ≤ ${TARGETS.memoryMB} MB (${n(MEMORY_LIMIT_MIB, 1)} MiB)`,
        worstMemory,
        (v) => v <= MEMORY_LIMIT_MIB,
      ),
    ],
    ...historyRows(f, first),
    ...largeOrgRows(f, runs),
  ];
  const spreadNote =
    runs.length > 1
      ? `${runs.length} runs, each on a fresh broker, database and apps; every figure is the median of the runs (min–max), a target is judged on the median.`
      : '1 run.';
  return [
    `### Run of ${result.startedAt}${result.options.quick ? ' (quick)' : ''}`,
    '',
    `\`${result.command}\` on ${machine.cpu}, ${machine.cores} cores, ${n(machine.memoryGiB)} GiB; Node ${machine.node}, ${machine.postgres}, Kafka ${machine.kafka}.`,
    `Synthetic org: ${n(org.teams)} teams, ${n(org.people)} people, ${n(org.days)} days, ${n(org.events)} events. ${spreadNote}`,
    '',
    '| Figure | Result | Target |',
    '|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    ...renderCpu(result),
  ].join('\n');
}

type Row = [string, string, string];

const latencies = (f: Figures, get: (r: RunFigures) => DashboardLoad | undefined) =>
  `p50 ${f.show((r) => get(r)?.p50Ms ?? Number.NaN, 1)} ms, p95 ${f.show((r) => get(r)?.p95Ms ?? Number.NaN, 1)} ms, p99 ${f.show((r) => get(r)?.p99Ms ?? Number.NaN, 1)} ms, ${f.show((r) => get(r)?.requestsPerSecond ?? Number.NaN)} req/s`;

/** E7: the same stream on teams with a long history, then on fresh ones. */
function historyRows(f: Figures, first: RunFigures): Row[] {
  const e7 = (r: RunFigures) => r.e7HistoryIndependence;
  const { subjects, historyEvents, history } = e7(first);
  return [
    [
      `E7 E2's stream (${n(history.targetRate)} events/s) on ${n(subjects)} teams holding ${n(historyEvents)} events of history each, then on ${n(subjects)} fresh teams`,
      `history: p50 ${f.show((r) => e7(r).history.p50Ms)} ms, p99 ${f.show((r) => e7(r).history.p99Ms)} ms; fresh: p50 ${f.show((r) => e7(r).fresh.p50Ms)} ms, p99 ${f.show((r) => e7(r).fresh.p99Ms)} ms`,
      '',
    ],
    [
      'E7 p99 with history / p99 fresh (each run against itself)',
      f.show((r) => e7(r).p99Ratio, 2),
      f.target(
        `≤ ${TARGETS.e7P99Ratio}`,
        (r) => e7(r).p99Ratio,
        (v) => v <= TARGETS.e7P99Ratio,
      ),
    ],
  ];
}

/** A failure's first line and V8's FATAL ERROR if it has one, fit for a table cell (the JSON keeps all). */
const oneLine = (text: string) => {
  const lines = text.split('\n').map((line) => line.trim());
  const fatal = lines.find((line) => line.startsWith('FATAL ERROR'));
  return [lines[0], ...(fatal && fatal !== lines[0] ? [fatal] : [])]
    .join(' ')
    .slice(0, 300)
    .replaceAll('|', '\\|');
};

const setupOf = (r: RunFigures): LargeOrgSetup | undefined =>
  'failed' in r.e6LargeOrg ? r.e6LargeOrg.setup : r.e6LargeOrg;

/** E6: the large org's setup, then the page and the dashboard on it, and its apps' memory. */
function largeOrgRows(f: Figures, runs: readonly RunFigures[]): Row[] {
  const failures = runs.flatMap((r, i) =>
    'failed' in r.e6LargeOrg ? [`run ${i + 1}: ${oneLine(r.e6LargeOrg.failed)}`] : [],
  );
  const exited = runs.flatMap((r, i) =>
    Object.entries(r.e6LargeOrg.exits ?? {}).map(([app, why]) => `${app} in run ${i + 1} (${oneLine(why)})`),
  );
  /** A figure of E6 in a run, NaN (left out of the spread) where E6 did not get to it. */
  const at =
    <T>(of: (r: RunFigures) => T | undefined, get: (figures: T, r: RunFigures) => number) =>
    (r: RunFigures): number => {
      const figures = of(r);
      return figures === undefined ? Number.NaN : get(figures, r);
    };
  const target = (text: string, get: (r: RunFigures) => number, met: (value: number) => boolean) =>
    failures.length
      ? `${text}: **not met** (E6 failed in ${failures.length} of ${runs.length} runs)`
      : f.target(text, get, met);
  const rows: Row[] = [];
  if (failures.length)
    rows.push([`E6 failed in ${failures.length} of ${runs.length} runs`, failures.join('; '), '**not met**']);
  if (exited.length) rows.push(['E6 apps that exited (the API went on)', exited.join('; '), '**not met**']);
  const setup = runs.map(setupOf).find((s) => s !== undefined);
  if (setup) {
    const { org } = setup;
    const seconds = (get: (s: LargeOrgSetup) => number) =>
      `${f.show(
        at(setupOf, (s) => get(s) / 1000),
        1,
      )} s`;
    rows.push([
      `E6 large org: ${n(org.teams)} teams, ${n(org.groups)} groups, ${n(org.people)} people, ${n(org.events)} events over ${n(org.days)} days, loaded by COPY, then \`projections rebuild\``,
      [
        `loaded in ${seconds((s) => s.stagesMs.load)} (${f.show(at(setupOf, (s) => s.loadEventsPerSecond))} events/s)`,
        `VACUUM ANALYZE ${seconds((s) => s.stagesMs.vacuum)}`,
        `rebuilt in ${seconds((s) => s.rebuild.ms)} (${f.show(at(setupOf, (s) => s.rebuild.eventsPerSecond))} events/s; ${seconds((s) => s.stagesMs.rebuild)} with the CLI's start)`,
        `broker ${seconds((s) => s.stagesMs.brokerStart)}, apps ${seconds((s) => s.stagesMs.appsStart)} to start`,
      ].join('; '),
      '',
    ]);
  }
  const sweepOf = (r: RunFigures) => r.e6LargeOrg.alerterSweep;
  const sweeps = runs.map(sweepOf).filter((w) => w !== undefined);
  if (sweeps.length) {
    const unsettled = sweeps.filter((w) => !w.settled).length;
    const parts = [];
    if (unsettled < sweeps.length)
      parts.push(
        `every alert judged and delivered ${f.show(
          at(sweepOf, (w) => (w.settled ? w.ms / 1000 : Number.NaN)),
          1,
        )} s after the apps were up`,
      );
    const failed = sweeps.filter((w) => w.error !== undefined);
    const timedOut = unsettled - failed.length;
    if (timedOut)
      parts.push(`still judging after ${ALERTER_SETTLE_LIMIT_S} s in ${timedOut} of ${runs.length} runs`);
    if (failed.length)
      parts.push(
        `its /metrics stopped answering in ${failed.length} of ${runs.length} runs (${oneLine(failed[0].error ?? '')})`,
      );
    parts.push(`${f.show(at(sweepOf, (w) => w.alertsRaised))} alerts raised`);
    rows.push([
      "E6 the alerter's first judgement of the org after the rebuild (its sweep), waited for before the page loads (E5's page loads on settled apps too)",
      parts.join('; '),
      unsettled ? `the page loaded during the sweep in ${unsettled} of ${runs.length} runs` : '',
    ]);
  }
  const pageOf = (r: RunFigures) => r.e6LargeOrg.page;
  const page = runs.map(pageOf).find((p) => p !== undefined);
  if (page) {
    const ratio = at(pageOf, (p, r) => p.p50Ms / r.e5PageFirstLoad.p50Ms);
    rows.push(
      [
        `E6 the leadership page's first load on it (E5's method: ${n(page.requests)} requests a load)`,
        `p50 ${f.show(
          at(pageOf, (p) => p.p50Ms),
          1,
        )} ms, max ${f.show(
          at(pageOf, (p) => p.maxMs),
          1,
        )} ms over ${page.loads} loads`,
        '',
      ],
      [
        "E6 / E5 (the page's first load, each run against its own E5)",
        f.show(ratio, 2),
        target(`≤ ${TARGETS.e6ToE5}`, ratio, (v) => v <= TARGETS.e6ToE5),
      ],
    );
  }
  const dashboard = runs.map((r) => r.e6LargeOrg.dashboard).find((d) => d !== undefined);
  if (dashboard)
    rows.push(
      ...dashboard.levels.map((level, i): Row => [
        `E6 E3's dashboard query (its first page of teams) on it, same query (cached), ${level.clients} clients`,
        latencies(f, (r) => r.e6LargeOrg.dashboard?.levels[i]),
        '',
      ]),
      [
        `E6 E3-uncached on it, each request another window and group, ${dashboard.uncached.clients} clients`,
        latencies(f, (r) => r.e6LargeOrg.dashboard?.uncached),
        '',
      ],
    );
  const memoryOf = (r: RunFigures) =>
    r.e6LargeOrg.peakMemoryMiB && { memory: r.e6LargeOrg.peakMemoryMiB, setup: setupOf(r) };
  const memory = runs.map(memoryOf).find((m) => m !== undefined);
  if (memory) {
    const worst = at(memoryOf, (m) => Math.max(...Object.values(m.memory), m.setup?.rebuild.peakRssMiB ?? 0));
    rows.push([
      'E6 peak RSS per app (MiB), the apps on the large org (until they exited)',
      [
        ...Object.keys(memory.memory).map((app) => `${app} ${f.show(at(memoryOf, (m) => m.memory[app]))}`),
        `cli rebuild ${f.show(at(setupOf, (s) => s.rebuild.peakRssMiB))}`,
      ].join(', '),
      exited.length || failures.length
        ? `each ≤ ${TARGETS.memoryMB} MB: **not met** (${failures.length ? 'E6 failed' : 'an app exited'})`
        : f.target(
            `each ≤ ${TARGETS.memoryMB} MB (${n(MEMORY_LIMIT_MIB, 1)} MiB)`,
            worst,
            (v) => v <= MEMORY_LIMIT_MIB,
          ),
    ]);
  }
  return rows;
}

const GROUP_ORDER = ['ingest', 'projector', 'api', 'alerter', 'kafka broker', 'postgres:', 'bench', 'B4'];
const groupRank = (group: string) => {
  const rank = GROUP_ORDER.findIndex((prefix) => group.startsWith(prefix));
  return rank < 0 ? GROUP_ORDER.length : rank;
};

/** CPU per process during E1, B4, E5's and E6's page loads: % of one core (100 = a core busy all the window) and of the machine. */
function renderCpu(result: BenchResult): string[] {
  const { runs } = result;
  const f = new Figures(runs);
  const cores = runs[0].e1Ingest.cpu.cores;
  const all: [string, (r: RunFigures) => CpuReport | undefined][] = [
    ['E1', (r) => r.e1Ingest.cpu],
    ['B4', (r) => r.b4RawPipeline.cpu],
    ["E5's page loads", (r) => r.e5PageFirstLoad?.cpu],
    ["E6's page loads", (r) => r.e6LargeOrg.pageCpu],
  ];
  const windows = all.filter(([, of]) => runs.some((r) => of(r) !== undefined));
  // a group none of whose processes was ever seen (say the CLI's backends) would only add zeros
  const reports = runs.flatMap((r) => windows.flatMap(([, of]) => of(r) ?? []));
  const groups = [...new Set(reports.flatMap((report) => Object.keys(report.groups)))]
    .filter((group) => reports.some((report) => (report.groups[group]?.processes ?? 0) > 0))
    .sort((a, b) => groupRank(a) - groupRank(b) || a.localeCompare(b));
  const cell = (
    of: (r: RunFigures) => CpuReport | undefined,
    pick: (cpu: CpuReport) => Utilisation | undefined,
  ) => {
    const picked = (r: RunFigures) => {
      const report = of(r);
      return report && pick(report);
    };
    if (runs.every((r) => picked(r) === undefined)) return '– | –';
    const get = (key: keyof Utilisation) => (r: RunFigures) => picked(r)?.[key] ?? Number.NaN;
    return `${f.show(get('percentOfCore'))} | ${f.show(get('percentOfMachine'))}`;
  };
  const row = (label: string, pick: (cpu: CpuReport) => Utilisation | undefined) =>
    `| ${label} | ${windows.map(([, of]) => cell(of, pick)).join(' | ')} |`;
  const lengths = windows
    .map(([name, of]) => `${name} (${f.show((r) => (of(r)?.windowMs ?? Number.NaN) / 1000, 1)} s)`)
    .join(', ');
  return [
    `CPU per process (utime + stime from /proc; % of one core, and % of the machine's ${cores} cores) over the windows of ${lengths}; E6's processes are its own (the apps on the large org):`,
    '',
    `| Process | ${windows.map(([name]) => `${name} % of a core | ${name} % of machine`).join(' | ')} |`,
    `|---|${windows.map(() => '---|---|').join('')}`,
    ...groups.map((group) => row(group, (cpu) => cpu.groups[group])),
    row('unaccounted (kernel, PostgreSQL background, other processes)', (cpu) => cpu.unaccounted),
    row('**machine** (all processes)', (cpu) => cpu.machine),
    '',
  ];
}

/** Writes bench/results/<time>.json; appends the tables to docs/benchmarks.md when asked to record. */
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

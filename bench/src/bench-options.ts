export interface BenchOptions {
  quick: boolean;
  /** Whole runs, each on a fresh broker, database and apps; every figure is reported as their median. */
  runs: number;
  teams: number;
  people: number;
  days: number;
  /** Concurrent HTTP clients posting batches of 100 in E1. */
  ingestClients: number;
  /** Events per second and seconds of the steady load in E2. */
  steadyRate: number;
  steadySeconds: number;
  /** Seconds of load per concurrency level in E3. */
  dashboardSeconds: number;
  dashboardClients: number[];
  /** Events in the store when E4 rebuilds the read models. */
  rebuildEvents: number;
  /** Writes V8 CPU profiles of each app to this folder. */
  profileDir: string | undefined;
  /** Where the JSON result goes; also appended to docs/benchmarks.md unless --no-record. */
  record: boolean;
}

const FULL: BenchOptions = {
  quick: false,
  runs: 3,
  teams: 200,
  people: 2000,
  days: 365,
  ingestClients: 8,
  steadyRate: 1000,
  steadySeconds: 30,
  dashboardSeconds: 20,
  dashboardClients: [16, 50],
  rebuildEvents: 1_000_000,
  profileDir: undefined,
  record: true,
};

/** Checks the harness end to end on a small org in seconds; its figures are not the product's speed. */
const QUICK: BenchOptions = {
  ...FULL,
  quick: true,
  runs: 1,
  teams: 10,
  people: 100,
  days: 60,
  steadySeconds: 3,
  dashboardSeconds: 2,
  rebuildEvents: 20_000,
  record: false,
};

const INTEGER_FLAGS = {
  '--runs': 'runs',
  '--teams': 'teams',
  '--people': 'people',
  '--days': 'days',
  '--ingest-clients': 'ingestClients',
  '--steady-rate': 'steadyRate',
  '--steady-seconds': 'steadySeconds',
  '--dashboard-seconds': 'dashboardSeconds',
  '--rebuild-events': 'rebuildEvents',
} as const;

export const USAGE = `usage: npm run bench -- [--quick] [--runs N] [--teams N] [--people N] [--days N] [--ingest-clients N]
  [--steady-rate N] [--steady-seconds N] [--dashboard-seconds N] [--dashboard-clients N,N]
  [--rebuild-events N] [--profile DIR] [--no-record]`;

export class BenchUsageError extends Error {}

export function parseBenchOptions(args: readonly string[]): BenchOptions {
  const options: BenchOptions = { ...(args.includes('--quick') ? QUICK : FULL) };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--quick') continue;
    if (flag === '--no-record') {
      options.record = false;
      continue;
    }
    if (!(flag in INTEGER_FLAGS) && flag !== '--dashboard-clients' && flag !== '--profile')
      throw new BenchUsageError(`unknown option ${flag}\n${USAGE}`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new BenchUsageError(`${flag} needs a value`);
    i += 1;
    if (flag in INTEGER_FLAGS) {
      options[INTEGER_FLAGS[flag as keyof typeof INTEGER_FLAGS]] = positiveInteger(flag, value);
    } else if (flag === '--dashboard-clients') {
      options.dashboardClients = value.split(',').map((v) => positiveInteger(flag, v));
    } else {
      options.profileDir = value;
    }
  }
  return options;
}

function positiveInteger(flag: string, value: string): number {
  if (!/^[1-9]\d*$/.test(value.replaceAll('_', '')))
    throw new BenchUsageError(`${flag} must be a positive integer, got "${value}"`);
  return Number(value.replaceAll('_', ''));
}

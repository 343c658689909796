import { largeOrgProblem } from './large-org';

export interface BenchOptions {
  quick: boolean;
  /** Whole runs, each on a fresh broker, database and apps; every figure is reported as their median. */
  runs: number;
  teams: number;
  people: number;
  days: number;
  /** Concurrent HTTP clients posting batches of 100 in E1. */
  ingestClients: number;
  /** Events per second and seconds of the steady load in E2 (and in each half of E7). */
  steadyRate: number;
  steadySeconds: number;
  /** Seconds of load per concurrency level in E3. */
  dashboardSeconds: number;
  dashboardClients: number[];
  /** Events in the store when E4 rebuilds the read models. */
  rebuildEvents: number;
  /** E6's org, loaded into a database of its own (its year is `days` long). */
  large: LargeOrgSize;
  /** E7: subjects that already hold `historyEvents` events each, against as many fresh ones. */
  historySubjects: number;
  historyEvents: number;
  /** Writes V8 CPU profiles of each app to this folder. */
  profileDir: string | undefined;
  /** Appends the tables to docs/benchmarks.md (the JSON goes to the git-ignored bench/results/ anyway). */
  record: boolean;
}

export interface LargeOrgSize {
  teams: number;
  groups: number;
  people: number;
  /** At least this many events. */
  events: number;
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
  large: { teams: 20_000, groups: 5_000, people: 200_000, events: 2_000_000 },
  historySubjects: 20,
  historyEvents: 5_000,
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
  large: { teams: 300, groups: 60, people: 3_000, events: 30_000 },
  historySubjects: 4,
  historyEvents: 300,
  record: false,
};

type IntegerOption = {
  [K in keyof BenchOptions]: BenchOptions[K] extends number ? K : never;
}[keyof BenchOptions];

const INTEGER_FLAGS: Record<string, IntegerOption> = {
  '--runs': 'runs',
  '--teams': 'teams',
  '--people': 'people',
  '--days': 'days',
  '--ingest-clients': 'ingestClients',
  '--steady-rate': 'steadyRate',
  '--steady-seconds': 'steadySeconds',
  '--dashboard-seconds': 'dashboardSeconds',
  '--rebuild-events': 'rebuildEvents',
  '--history-subjects': 'historySubjects',
  '--history-events': 'historyEvents',
};

const LARGE_FLAGS: Record<string, keyof LargeOrgSize> = {
  '--large-teams': 'teams',
  '--large-groups': 'groups',
  '--large-people': 'people',
  '--large-events': 'events',
};

export const USAGE = `usage: npm run bench -- [--quick] [--runs N] [--teams N] [--people N] [--days N] [--ingest-clients N]
  [--steady-rate N] [--steady-seconds N] [--dashboard-seconds N] [--dashboard-clients N,N]
  [--rebuild-events N] [--large-teams N] [--large-groups N] [--large-people N] [--large-events N]
  [--history-subjects N] [--history-events N] [--profile DIR] [--no-record]`;

export class BenchUsageError extends Error {}

export function parseBenchOptions(args: readonly string[]): BenchOptions {
  const base = args.includes('--quick') ? QUICK : FULL;
  const options: BenchOptions = { ...base, large: { ...base.large } };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--quick') continue;
    if (flag === '--no-record') {
      options.record = false;
      continue;
    }
    const integer = Object.hasOwn(INTEGER_FLAGS, flag);
    const large = Object.hasOwn(LARGE_FLAGS, flag);
    if (!integer && !large && flag !== '--dashboard-clients' && flag !== '--profile')
      throw new BenchUsageError(`unknown option ${flag}\n${USAGE}`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new BenchUsageError(`${flag} needs a value`);
    i += 1;
    if (integer) options[INTEGER_FLAGS[flag]] = positiveInteger(flag, value);
    else if (large) options.large[LARGE_FLAGS[flag]] = positiveInteger(flag, value);
    else if (flag === '--dashboard-clients')
      options.dashboardClients = value.split(',').map((v) => positiveInteger(flag, v));
    else options.profileDir = value;
  }
  const unfit = largeOrgProblem(options.large);
  if (unfit) throw new BenchUsageError(`E6's org: ${unfit}`);
  return options;
}

function positiveInteger(flag: string, value: string): number {
  if (!/^[1-9]\d*$/.test(value.replaceAll('_', '')))
    throw new BenchUsageError(`${flag} must be a positive integer, got "${value}"`);
  return Number(value.replaceAll('_', ''));
}

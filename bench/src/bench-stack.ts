import { mkdirSync } from 'node:fs';
import {
  type AppName,
  type SpawnedProcess,
  freePorts,
  runCli,
  spawnApp,
  waitForHealthy,
} from '@orgpulse/testing';
import { peakRssMiB } from './peak-memory';

export interface BenchOrg {
  orgId: string;
  ingestKey: string;
  apiToken: string;
}

const APPS: readonly AppName[] = ['projector', 'ingest', 'api', 'alerter'];

/** `org create` from the CLI (which migrates the database first). */
export async function createOrg(databaseUrl: string, name: string): Promise<BenchOrg> {
  const created = await runCli(['org', 'create', '--name', name], { DATABASE_URL: databaseUrl });
  if (created.code !== 0) throw new Error(`org create failed: ${created.stderr}`);
  return JSON.parse(created.stdout) as BenchOrg;
}

/** The four apps as production runs them (built, one process each) on the bench's broker and database. */
export class BenchStack {
  private constructor(
    readonly brokers: string,
    readonly databaseUrl: string,
    private readonly processes: Map<AppName, SpawnedProcess>,
    private readonly ports: Map<AppName, number>,
    readonly org: BenchOrg,
  ) {}

  /** Creates an org of its own unless given one (whose events may already be in the database). */
  static async start(
    brokers: string,
    databaseUrl: string,
    profileDir?: string,
    existingOrg?: BenchOrg,
  ): Promise<BenchStack> {
    const free = await freePorts(APPS.length);
    const ports = new Map(APPS.map((app, i) => [app, free[i]] as const));
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    // HEAP_PROFILE=1: the apps write sampling heap profiles to profileDir in place of CPU profiles
    const heapProfile = process.env.HEAP_PROFILE === '1';
    const processes = new Map<AppName, SpawnedProcess>();
    for (const app of APPS) {
      const process = spawnApp(
        app,
        {
          DATABASE_URL: databaseUrl,
          KAFKA_BROKERS: brokers,
          HOST: '127.0.0.1',
          [`${app.toUpperCase()}_PORT`]: String(ports.get(app)),
          INGEST_RATE_LIMIT_PER_SECOND: '0',
        },
        profileDir
          ? heapProfile
            ? ['--heap-prof', `--heap-prof-dir=${profileDir}`, `--heap-prof-name=${app}.heapprofile`]
            : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${app}.cpuprofile`]
          : [],
      );
      processes.set(app, process);
      // one at a time: the first one migrates the database
      await waitForHealthy(`http://127.0.0.1:${ports.get(app)}/health`, process, 120_000);
    }
    const org = existingOrg ?? (await createOrg(databaseUrl, 'Bench'));
    return new BenchStack(brokers, databaseUrl, processes, ports, org);
  }

  url(app: AppName, path: string): string {
    return `http://127.0.0.1:${this.ports.get(app)}${path}`;
  }

  /** Fails the bench at once when an app (of `apps`, by default any) died: its figures would mean nothing. */
  assertRunning(apps?: readonly AppName[]): void {
    for (const [app, stderr] of Object.entries(this.exits()))
      if (!apps || apps.includes(app as AppName))
        throw new Error(`${app} exited during the bench:\n${stderr}`);
  }

  /** The apps that exited, with the end of their stderr. */
  exits(): Partial<Record<AppName, string>> {
    return Object.fromEntries(
      [...this.processes].filter(([, p]) => !p.running).map(([app, p]) => [app, p.stderr.slice(-4000)]),
    );
  }

  /** Each app's process, for CPU accounting. */
  appProcesses(): { group: string; pid: number }[] {
    return [...this.processes].map(([app, p]) => ({ group: app, pid: p.pid }));
  }

  peakMemoryMiB(): Record<string, number> {
    return Object.fromEntries([...this.processes].map(([app, p]) => [app, peakRssMiB(p.pid) ?? Number.NaN]));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
  }
}

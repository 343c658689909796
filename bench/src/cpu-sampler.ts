import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Client } from 'pg';
import {
  BACKEND_GROUPS,
  type CpuReport,
  type CpuSnapshot,
  type ProcessSample,
  backendGroup,
  cpuReport,
  parseMachineStat,
  parseProcStat,
} from './cpu-accounting';

export interface WatchedProcess {
  group: string;
  pid: number;
}

export const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function readProcess(pid: number, group: string, comm?: string): ProcessSample | undefined {
  try {
    const stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    if (comm !== undefined && stat.comm !== comm) return undefined;
    return { pid, group, cpuTicks: stat.cpuTicks, startTicks: stat.startTicks };
  } catch {
    return undefined; // exited
  }
}

const isLocal = (databaseUrl: string) =>
  ['127.0.0.1', 'localhost', '[::1]', ''].includes(new URL(databaseUrl).hostname);

/**
 * Samples the CPU time of given processes, of the PostgreSQL backends connected to one database (when
 * the server runs on this machine), and of the whole machine, from start() to stop(). Backends come and
 * go, so they are listed again every `everyMs`; the apps' pools keep theirs for the whole window.
 */
export class CpuSampler {
  private readonly snapshots: CpuSnapshot[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  private constructor(
    private readonly processes: readonly WatchedProcess[],
    private readonly client: Client | undefined,
    private readonly groups: readonly string[],
  ) {}

  static async start(
    processes: readonly WatchedProcess[],
    databaseUrl: string,
    everyMs = 500,
  ): Promise<CpuSampler> {
    let client: Client | undefined;
    const groups = processes.map((p) => p.group);
    if (isLocal(databaseUrl)) {
      client = new Client({ connectionString: databaseUrl, application_name: 'orgpulse-bench-cpu' });
      await client.connect();
      groups.push(...BACKEND_GROUPS);
    }
    const sampler = new CpuSampler(processes, client, groups);
    await sampler.sample();
    sampler.timer = setInterval(() => {
      sampler.sampling = sampler.sampling.then(() => sampler.sample());
    }, everyMs);
    return sampler;
  }

  async stop(): Promise<CpuReport> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample();
    await this.client?.end();
    return cpuReport(this.snapshots, ticksPerSecond, cpus().length, this.groups);
  }

  private async sample(): Promise<void> {
    const backends = this.client
      ? (
          await this.client.query<{ pid: number; name: string }>(
            `SELECT pid, application_name AS name FROM pg_stat_activity
              WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
          )
        ).rows
      : [];
    const atMs = performance.now();
    const uptimeTicks = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * ticksPerSecond;
    const machine = parseMachineStat(readFileSync('/proc/stat', 'utf8'));
    const processes = [
      ...this.processes.map((p) => readProcess(p.pid, p.group)),
      ...backends.map((b) => readProcess(b.pid, backendGroup(b.name), 'postgres')),
    ].filter((p): p is ProcessSample => p !== undefined);
    this.snapshots.push({ atMs, uptimeTicks, machine, processes });
  }
}

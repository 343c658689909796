/** Pure CPU accounting from /proc samples: what each process used over a measured window. */

export interface ProcStat {
  /** The executable's name, as in /proc/<pid>/comm. */
  comm: string;
  /** utime + stime, in clock ticks: every thread of the process, user and kernel. */
  cpuTicks: number;
  /** When the process started, in clock ticks since boot. */
  startTicks: number;
}

/** Parses /proc/<pid>/stat. The name is in parentheses and may itself hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${JSON.stringify(text)}`);
  // fields after the name, numbered from 3 (state) as in proc(5)
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const field = (n: number) => {
    const value = Number(fields[n - 3]);
    if (!Number.isFinite(value)) throw new Error(`/proc/<pid>/stat field ${n} is not a number: ${text}`);
    return value;
  };
  return { comm: text.slice(open + 1, close), cpuTicks: field(14) + field(15), startTicks: field(22) };
}

export interface MachineTicks {
  /** user + nice + system + irq + softirq over all CPUs. */
  busy: number;
  /** busy + idle + iowait + steal. */
  total: number;
}

/** The first line of /proc/stat (all CPUs together). Guest time is already inside user and nice. */
export function parseMachineStat(text: string): MachineTicks {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no "cpu " line in /proc/stat');
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .slice(4)
    .trim()
    .split(/\s+/)
    .map(Number);
  const busy = user + nice + system + irq + softirq;
  return { busy, total: busy + idle + iowait + (steal ?? 0) };
}

export interface ProcessSample {
  pid: number;
  /** What the process is reported as: an app, the broker, PostgreSQL backends of one app. */
  group: string;
  cpuTicks: number;
  startTicks: number;
}

export interface CpuSnapshot {
  /** A monotonic clock, for the window's length. */
  atMs: number;
  /** Clock ticks since boot (/proc/uptime), to tell processes started inside the window. */
  uptimeTicks: number;
  machine: MachineTicks;
  processes: ProcessSample[];
}

export interface Utilisation {
  cpuSeconds: number;
  /** 100 = one core busy for the whole window. */
  percentOfCore: number;
  /** 100 = every core of the machine busy for the whole window. */
  percentOfMachine: number;
}

export interface CpuReport {
  windowMs: number;
  cores: number;
  /** Every process on the machine, ours or not. */
  machine: Utilisation;
  groups: Record<string, Utilisation & { processes: number }>;
  /** machine minus the groups: the kernel, PostgreSQL's background workers, anything else running. */
  unaccounted: Utilisation;
}

export function utilisation(cpuSeconds: number, windowMs: number, cores: number): Utilisation {
  const percentOfCore = windowMs > 0 ? (100 * cpuSeconds * 1000) / windowMs : 0;
  return { cpuSeconds, percentOfCore, percentOfMachine: percentOfCore / cores };
}

/**
 * CPU used per group between the first and the last snapshot. A process seen in every snapshot counts
 * last minus first; one that started inside the window counts from zero; one that exited counts up to its
 * last sample (what it used after that is lost, at most one sampling interval). `groups` are reported
 * even when no process of theirs was seen, as zero.
 */
export function cpuReport(
  snapshots: readonly CpuSnapshot[],
  ticksPerSecond: number,
  cores: number,
  groups: readonly string[] = [],
): CpuReport {
  if (snapshots.length < 2) throw new Error('CPU accounting needs at least two snapshots');
  const first = snapshots[0];
  const last = snapshots[snapshots.length - 1];
  const windowMs = last.atMs - first.atMs;
  const seen = new Map<string, { group: string; baseline: number; latest: number }>();
  snapshots.forEach((snapshot, index) => {
    for (const sample of snapshot.processes) {
      // a pid may be reused by a later process: its start time tells them apart
      const key = `${sample.pid}@${sample.startTicks}`;
      const known = seen.get(key);
      if (known) known.latest = sample.cpuTicks;
      else {
        const startedInside = index > 0 && sample.startTicks >= first.uptimeTicks;
        seen.set(key, {
          group: sample.group,
          baseline: startedInside ? 0 : sample.cpuTicks,
          latest: sample.cpuTicks,
        });
      }
    }
  });
  const ticks = new Map<string, { ticks: number; processes: number }>(
    groups.map((g) => [g, { ticks: 0, processes: 0 }]),
  );
  for (const { group, baseline, latest } of seen.values()) {
    const total = ticks.get(group) ?? { ticks: 0, processes: 0 };
    ticks.set(group, { ticks: total.ticks + latest - baseline, processes: total.processes + 1 });
  }
  const machine = utilisation((last.machine.busy - first.machine.busy) / ticksPerSecond, windowMs, cores);
  const byGroup = Object.fromEntries(
    [...ticks].map(([group, t]) => [
      group,
      { ...utilisation(t.ticks / ticksPerSecond, windowMs, cores), processes: t.processes },
    ]),
  );
  const accounted = Object.values(byGroup).reduce((sum, g) => sum + g.cpuSeconds, 0);
  return {
    windowMs,
    cores,
    machine,
    groups: byGroup,
    unaccounted: utilisation(machine.cpuSeconds - accounted, windowMs, cores),
  };
}

const BACKEND_OWNERS = ['ingest', 'projector', 'api', 'alerter', 'cli', 'bench'] as const;

/** Every group backendGroup() can answer. */
export const BACKEND_GROUPS = [...BACKEND_OWNERS, 'other'].map((owner) => `postgres: ${owner}`);

/** PostgreSQL backends by the application_name our services connect with (orgpulse-<service>). */
export function backendGroup(applicationName: string): string {
  const owner = BACKEND_OWNERS.find((o) => new RegExp(`^orgpulse-${o}\\b`).test(applicationName));
  return `postgres: ${owner ?? 'other'}`;
}

import {
  type CpuSnapshot,
  backendGroup,
  cpuReport,
  parseMachineStat,
  parseProcStat,
  utilisation,
} from './cpu-accounting';

/** A /proc/<pid>/stat line with utime (14), stime (15) and starttime (22) set, the rest zero. */
const statLine = (pid: number, comm: string, utime: number, stime: number, start: number) => {
  const fields = Array.from({ length: 50 }, () => '0');
  fields[0] = 'S';
  fields[14 - 3] = String(utime);
  fields[15 - 3] = String(stime);
  fields[22 - 3] = String(start);
  return `${pid} (${comm}) ${fields.join(' ')}\n`;
};

describe('/proc parsing', () => {
  it('takes utime + stime and the start time; a name with spaces and parentheses does not shift fields', () => {
    expect(parseProcStat(statLine(42, 'node', 120, 30, 9000))).toEqual({
      comm: 'node',
      cpuTicks: 150,
      startTicks: 9000,
    });
    expect(parseProcStat(statLine(43, 'a) b (c', 5, 6, 7))).toEqual({
      comm: 'a) b (c',
      cpuTicks: 11,
      startTicks: 7,
    });
  });

  it('parses a real line of this machine', () => {
    const line =
      '1234 (postgres) S 800 800 800 0 -1 4194560 5000 0 0 0 250 75 0 0 20 0 1 0 3456789 229000000 3000 18446744073709551615 1 1 0 0 0 0 0 4096 536887815 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0';
    expect(parseProcStat(line)).toEqual({ comm: 'postgres', cpuTicks: 325, startTicks: 3456789 });
  });

  it('refuses what is not a stat line', () => {
    expect(() => parseProcStat('gone')).toThrow(/not a \/proc\/<pid>\/stat line/);
  });

  it('reads the machine line of /proc/stat: busy without idle, iowait and steal', () => {
    const text = 'cpu  100 5 50 1000 20 3 2 7 0 0\ncpu0 50 2 25 500 10 1 1 3 0 0\nintr 1 2 3\n';
    expect(parseMachineStat(text)).toEqual({ busy: 160, total: 1187 });
  });
});

describe('CPU accounting over a window', () => {
  const at = (
    atMs: number,
    uptimeTicks: number,
    busy: number,
    processes: CpuSnapshot['processes'],
  ): CpuSnapshot => ({
    atMs,
    uptimeTicks,
    machine: { busy, total: 0 },
    processes,
  });

  it('reports each group as seconds, % of one core and % of the machine; the rest is unaccounted', () => {
    // 2 s window, 100 ticks/s, 2 cores: the projector busy 150 ticks (75 % of a core), ingest idle
    const report = cpuReport(
      [
        at(1000, 10_000, 5_000, [
          { pid: 10, group: 'projector', cpuTicks: 1_000, startTicks: 100 },
          { pid: 11, group: 'ingest', cpuTicks: 500, startTicks: 100 },
        ]),
        at(3000, 10_200, 5_300, [
          { pid: 10, group: 'projector', cpuTicks: 1_150, startTicks: 100 },
          { pid: 11, group: 'ingest', cpuTicks: 500, startTicks: 100 },
        ]),
      ],
      100,
      2,
    );
    expect(report.windowMs).toBe(2000);
    expect(report.groups.projector).toEqual({
      cpuSeconds: 1.5,
      percentOfCore: 75,
      percentOfMachine: 37.5,
      processes: 1,
    });
    expect(report.groups.ingest).toEqual({
      cpuSeconds: 0,
      percentOfCore: 0,
      percentOfMachine: 0,
      processes: 1,
    });
    expect(report.machine).toEqual({ cpuSeconds: 3, percentOfCore: 150, percentOfMachine: 75 });
    expect(report.unaccounted).toEqual({ cpuSeconds: 1.5, percentOfCore: 75, percentOfMachine: 37.5 });
  });

  it('sums a group of processes: a backend started inside the window counts from zero, one that exited up to its last sample', () => {
    const report = cpuReport(
      [
        at(0, 10_000, 0, [{ pid: 20, group: 'postgres: projector', cpuTicks: 400, startTicks: 50 }]),
        at(500, 10_050, 0, [
          { pid: 20, group: 'postgres: projector', cpuTicks: 430, startTicks: 50 },
          { pid: 21, group: 'postgres: projector', cpuTicks: 12, startTicks: 10_020 },
        ]),
        at(1000, 10_100, 0, [{ pid: 21, group: 'postgres: projector', cpuTicks: 40, startTicks: 10_020 }]),
      ],
      100,
      2,
    );
    // pid 20: 430 - 400 (exited after its second sample); pid 21: 40 - 0 (started in the window)
    expect(report.groups['postgres: projector']).toMatchObject({ cpuSeconds: 0.7, processes: 2 });
  });

  it('counts a process first seen late but started before the window from its first sample', () => {
    const report = cpuReport(
      [
        at(0, 10_000, 0, []),
        at(500, 10_050, 0, [{ pid: 30, group: 'postgres: api', cpuTicks: 900, startTicks: 200 }]),
        at(1000, 10_100, 0, [{ pid: 30, group: 'postgres: api', cpuTicks: 910, startTicks: 200 }]),
      ],
      100,
      1,
    );
    expect(report.groups['postgres: api'].cpuSeconds).toBeCloseTo(0.1);
  });

  it('tells a reused pid from the process that had it', () => {
    const report = cpuReport(
      [
        at(0, 10_000, 0, [{ pid: 40, group: 'postgres: api', cpuTicks: 100, startTicks: 50 }]),
        at(1000, 10_100, 0, [{ pid: 40, group: 'postgres: api', cpuTicks: 5, startTicks: 10_090 }]),
      ],
      100,
      1,
    );
    expect(report.groups['postgres: api']).toMatchObject({ cpuSeconds: 0.05, processes: 2 });
  });

  it('reports the groups asked for as zero when none of their processes was seen', () => {
    const report = cpuReport([at(0, 0, 0, []), at(1000, 100, 0, [])], 100, 2, ['postgres: alerter']);
    expect(report.groups['postgres: alerter']).toEqual({
      cpuSeconds: 0,
      percentOfCore: 0,
      percentOfMachine: 0,
      processes: 0,
    });
  });

  it('needs two snapshots', () => {
    expect(() => cpuReport([at(0, 0, 0, [])], 100, 2)).toThrow(/two snapshots/);
  });

  it('is zero, not infinite, over an empty window', () => {
    expect(utilisation(1, 0, 2)).toEqual({ cpuSeconds: 1, percentOfCore: 0, percentOfMachine: 0 });
  });
});

describe('PostgreSQL backends by application_name', () => {
  it.each([
    ['orgpulse-projector', 'postgres: projector'],
    ['orgpulse-api-listener', 'postgres: api'],
    ['orgpulse-bench', 'postgres: bench'],
    ['orgpulse-ingestion', 'postgres: other'],
    ['psql', 'postgres: other'],
    ['', 'postgres: other'],
  ])('%j is %j', (name, group) => expect(backendGroup(name)).toBe(group));
});

import { readFileSync, writeFileSync } from 'node:fs';
import { TcpProxy, freePort, spawnApp, waitForHealthy } from '@orgpulse/testing';
import {
  ALERTS,
  BLOCKED,
  BLOCKED_PAGE_SIZE,
  MANAGERS,
  OVERVIEW,
  SETTINGS,
  TEAMS,
  TEAMS_PAGE_SIZE,
} from '../../apps/api/page/src/queries';
import { post } from './http-client';
import { DASHBOARD_QUERY } from './dashboard-load';
import { GROUP_DASHBOARD_QUERY, autocannonLoad, uncachedVariables } from './page-load';
import { largeOrgGroupIds } from './large-org';
import { processSettled } from './process-settled';

/**
 * Measures the API alone on a kept database (see large-org-keep.main.ts), through a proxy that counts its
 * statements: each page query alone (time, the API's CPU, statements, bytes), then whole page loads as E5
 * sends them, then optionally serial E3-uncached requests. Not part of the bench's record.
 * node dist/bench/bench/src/page-probe.main.js <org.json> [loads] [profileDir]
 * env: SEPARATE (rounds of single queries, 2), ONLY (query names), UNCACHED (requests), CLIENTS (at once, 1), CACHED_FIRST (seconds of E3's cached load at 16 and 50 clients before anything else), UNCACHED_FIRST (1: the uncached requests before the page loads), UNCACHED_LOAD (seconds of E3-uncached's autocannon load before the page loads, then the API settles as in the bench unless SETTLE=0), SLOW_MS (an uncached
 * request slower than this is printed with its variables), DEADLINE (ms), NODE_ARGS (the API's node flags), DUMP
 * (a directory: each answer's body is written there as <query name>.json, the last of each name kept), PAUSE_MS
 * (before each load: past the result cache's freshness, each load computes what it did), PRINT_STDOUT (1: the API's
 * stdout at the end, e.g. with NODE_ARGS=--trace-gc).
 */
async function main() {
  const [file, loadsArg, profileDir] = process.argv.slice(2);
  const setup = JSON.parse(readFileSync(file, 'utf8')) as {
    url: string;
    org: { apiToken: string };
    start: string;
    days: number;
    size?: { groups: number };
    groups?: (string | null)[];
  };
  const db = new URL(setup.url);
  const proxy = await TcpProxy.start(db.hostname, Number(db.port || 5432));
  db.host = `127.0.0.1:${proxy.port}`;
  const port = await freePort();
  const api = spawnApp(
    'api',
    {
      DATABASE_URL: db.toString(),
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:19592',
      HOST: '127.0.0.1',
      API_PORT: String(port),
      API_QUERY_DEADLINE_MS: process.env.DEADLINE ?? '600000',
      LOG_LEVEL: 'warn',
    },
    profileDir
      ? process.env.HEAP_PROFILE
        ? ['--heap-prof', `--heap-prof-dir=${profileDir}`, '--heap-prof-interval=65536']
        : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=api.cpuprofile`]
      : (process.env.NODE_ARGS?.split(' ').filter(Boolean) ?? []),
  );
  await waitForHealthy(`http://127.0.0.1:${port}/health`, api, 120_000);
  const url = `http://127.0.0.1:${port}/graphql`;
  const cpu = () => {
    const f = readFileSync(`/proc/${api.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  };
  // every process's CPU (the API, PostgreSQL, this probe), in ms: /proc/stat's first line less idle and iowait
  const machineCpu = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
    return (f.reduce((a, b) => a + b, 0) - f[3] - f[4]) * 10;
  };
  const q = async (name: string, query: string, variables: Record<string, unknown>) => {
    const before = proxy.pgStatements;
    const c0 = cpu();
    const t = performance.now();
    const answer = await post(url, JSON.stringify({ query, variables }), {
      Authorization: `Bearer ${setup.org.apiToken}`,
    });
    const ms = performance.now() - t;
    if (process.env.DUMP) writeFileSync(`${process.env.DUMP}/${name}.json`, answer.body);
    const ok = answer.status === 200 && !answer.body.includes('"errors"');
    return {
      name,
      ms: Math.round(ms),
      cpuMs: cpu() - c0,
      statements: proxy.pgStatements - before,
      bytes: answer.body.length,
      ok: ok ? 'ok' : answer.body.slice(0, 300),
    };
  };
  const DAY = 86_400_000;
  const yearTo = Date.parse(setup.start) + setup.days * DAY;
  const windows = (i: number) => {
    const to = yearTo - i * DAY;
    const w = { from: new Date(to - 84 * DAY).toISOString(), to: new Date(to).toISOString() };
    const p = { from: new Date(to - 168 * DAY).toISOString(), to: w.from };
    return { w, p };
  };
  const only = process.env.ONLY?.split(',');
  const page = (i: number) => {
    const { w, p } = windows(i);
    return [
      ['overview', OVERVIEW, { w, p, g: null }],
      ['settings', SETTINGS, {}],
      ['teams', TEAMS, { w, g: null, first: TEAMS_PAGE_SIZE }],
      ['blocked', BLOCKED, { g: null, first: BLOCKED_PAGE_SIZE }],
      ['managers', MANAGERS, { w }],
      ['alerts', ALERTS, {}],
    ].filter(([n]) => !only || only.includes(n as string)) as [string, string, Record<string, unknown>][];
  };
  const runUncached = async () => {
    const uncached = Number(process.env.UNCACHED ?? 0);
    if (uncached > 0) {
      const groups = setup.groups ?? [null, ...largeOrgGroupIds({ groups: setup.size?.groups ?? 0 })];
      const year = { from: setup.start, to: new Date(yearTo).toISOString() };
      const lat: number[] = [];
      let stm = 0;
      let cpuMs = 0;
      // CLIENTS > 1: that many at once, the n-th request as E3-uncached's n-th (its first ones the largest groups)
      const clients = Number(process.env.CLIENTS ?? 1);
      let next = 0;
      const one = async (n: number) => {
        const variables = uncachedVariables(clients > 1 ? n : n * 7919, year, groups);
        const r = await q('uncached', GROUP_DASHBOARD_QUERY, variables);
        if (r.ok !== 'ok' || r.ms > Number(process.env.SLOW_MS ?? Infinity)) console.log({ ...r, variables });
        lat.push(r.ms);
        stm += r.statements;
        cpuMs += r.cpuMs;
      };
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (next < uncached) await one(next++);
        }),
      );
      lat.sort((a, b) => a - b);
      console.log(
        `uncached (${clients} at once): p50 ${lat[Math.floor(lat.length / 2)]} ms p95 ${lat[Math.floor(lat.length * 0.95)]} ms, ${stm / uncached} statements/request, the API's CPU ${cpuMs / uncached} ms/request`,
      );
    }
  };
  const peakRss = () =>
    Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${api.pid}/status`, 'utf8'))?.[1]) / 1024);
  // as the bench's E3 before E5: the year's dashboard (cached) at 16 then 50 clients, CACHED_FIRST seconds each
  const cachedFirst = Number(process.env.CACHED_FIRST ?? 0);
  if (cachedFirst > 0) {
    const target = { url: () => url, org: { ...setup.org, orgId: '', ingestKey: '' } };
    const year = { from: setup.start, to: new Date(yearTo).toISOString() };
    const body = JSON.stringify({ query: DASHBOARD_QUERY, variables: { window: year } });
    for (const clients of [16, 50]) {
      const load = await autocannonLoad(target, clients, cachedFirst, () => body);
      console.log(
        `cached first, ${clients} clients: p95 ${load.p95Ms} ms, ${load.requestsPerSecond} req/s, peak RSS ${peakRss()} MiB`,
      );
    }
  }
  if (process.env.UNCACHED_FIRST === '1') await runUncached();
  // as the bench's E3-uncached right before E5: autocannon for that many seconds, ended with requests in flight
  const uncachedLoad = Number(process.env.UNCACHED_LOAD ?? 0);
  if (uncachedLoad > 0) {
    const target = { url: () => url, org: { ...setup.org, orgId: '', ingestKey: '' } };
    const groups = setup.groups ?? [null, ...largeOrgGroupIds({ groups: setup.size?.groups ?? 0 })];
    const year = { from: setup.start, to: new Date(yearTo).toISOString() };
    const load = await autocannonLoad(target, 16, uncachedLoad, (n) =>
      JSON.stringify({ query: GROUP_DASHBOARD_QUERY, variables: uncachedVariables(n, year, groups) }),
    );
    console.log(
      `uncached load, 16 clients: p95 ${load.p95Ms} ms, ${load.requestsPerSecond} req/s, peak RSS ${peakRss()} MiB`,
    );
    if (process.env.SETTLE !== '0') {
      const { settled, waitedMs } = await processSettled(api.pid);
      console.log(`the API ${settled ? 'settled' : 'was still busy'} ${Math.round(waitedMs)} ms after it`);
    }
  }
  const loads = Number(loadsArg ?? 3);
  if (process.env.SEPARATE !== '0')
    for (let i = 0; i < Number(process.env.SEPARATE ?? 2); i++)
      for (const [n, d, v] of page(100 + i)) console.log(JSON.stringify(await q(n, d, v)));
  const times: number[] = [];
  let loadsCpuMs = 0;
  let loadsMachineMs = 0;
  for (let i = 0; i <= loads; i++) {
    if (process.env.PAUSE_MS)
      await new Promise((resolve) => setTimeout(resolve, Number(process.env.PAUSE_MS)));
    const c0 = cpu();
    const m0 = machineCpu();
    const [first, ...rest] = [
      page(i).filter(([n]) => n !== 'alerts'),
      page(i).filter(([n]) => n === 'alerts'),
    ];
    const t = performance.now();
    const before = proxy.pgStatements;
    const r = await Promise.all(first.map(([n, d, v]) => q(n, d, v)));
    for (const [n, d, v] of rest.flat()) r.push(await q(n, d, v));
    const ms = performance.now() - t;
    if (i > 0) {
      times.push(ms);
      loadsCpuMs += cpu() - c0;
      loadsMachineMs += machineCpu() - m0;
    }
    console.log(
      `load ${i}: ${Math.round(ms)} ms, ${proxy.pgStatements - before} statements ${r.map((x) => `${x.name}=${x.ms}${x.ok === 'ok' ? '' : '!'}`).join(' ')}`,
    );
  }
  times.sort((a, b) => a - b);
  if (times.length)
    console.log(
      `page p50 ${Math.round(times[Math.floor(times.length / 2)])} ms, the API's CPU ${Math.round(loadsCpuMs / times.length)} ms/load, the machine's ${Math.round(loadsMachineMs / times.length)}`,
    );
  if (process.env.UNCACHED_FIRST !== '1') await runUncached();
  console.log(`api peak RSS ${peakRss()} MiB`);
  await api.stop();
  await proxy.close();
  if (process.env.PRINT_STDOUT === '1') console.log(api.stdout);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});

import { readFileSync } from 'node:fs';
import { parseProcStat } from './cpu-accounting';
import { ticksPerSecond } from './cpu-sampler';

export interface SettleOptions {
  /** the window CPU is measured over */
  windowMs: number;
  /** settled: below this share of one core over a window */
  share: number;
  timeoutMs: number;
}

const DEFAULTS: SettleOptions = { windowMs: 250, share: 0.1, timeoutMs: 15_000 };

/** A process's CPU time so far (utime + stime), in ms. */
const processCpuMs = (pid: number): number =>
  (parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).cpuTicks * 1000) / ticksPerSecond;

/**
 * Waits until a process works less than `share` of a core over a window: what it was given before has
 * run out. A load generator that stops (autocannon at its duration) leaves its requests in flight, and
 * the API computes them on: a figure measured next would share the API with them.
 */
export async function processSettled(
  pid: number,
  options: Partial<SettleOptions> = {},
  cpuMs: (pid: number) => number = processCpuMs,
): Promise<{ settled: boolean; waitedMs: number }> {
  const { windowMs, share, timeoutMs } = { ...DEFAULTS, ...options };
  const started = performance.now();
  let before = cpuMs(pid);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const now = cpuMs(pid);
    const waitedMs = performance.now() - started;
    if (now - before < share * windowMs) return { settled: true, waitedMs };
    if (waitedMs > timeoutMs) return { settled: false, waitedMs };
    before = now;
  }
}

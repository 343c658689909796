import { readFileSync } from 'node:fs';

/** Peak resident set size (VmHWM) of a running process in MiB, or undefined once it has exited. */
export function peakRssMiB(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Follows a short-lived process's peak RSS until it exits. */
export function watchPeakRss(pid: number, everyMs = 100): { stop: () => number } {
  let peak = 0;
  const sample = () => (peak = Math.max(peak, peakRssMiB(pid) ?? 0));
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

import { processSettled } from './process-settled';

/** A process whose CPU time (ms) grows by each step in turn (the first is the start), then by the last. */
const working = (steps: readonly number[]) => {
  let total = 0;
  let reads = 0;
  const cpu = () => {
    total += steps[Math.min(reads, steps.length - 1)];
    reads += 1;
    return total;
  };
  return { cpu, windows: () => reads - 1 };
};

describe('waiting for a process to settle', () => {
  it.each([
    ['idle from the start', [0, 0], true, 1],
    ['busy for three windows, then idle', [0, 10, 10, 10, 0], true, 4],
    ['working below the share', [0, 0.4], true, 1],
  ] as const)(
    'given a process %s, then it is settled after %s windows',
    async (_, steps, settled, windows) => {
      const process = working(steps);
      const outcome = await processSettled(1, { windowMs: 5, share: 0.1, timeoutMs: 60_000 }, process.cpu);
      expect(outcome.settled).toBe(settled);
      expect(process.windows()).toBe(windows);
    },
  );

  it('given a process busy for ever, then it is not settled once the timeout passed', async () => {
    const process = working([0, 10]);
    const outcome = await processSettled(1, { windowMs: 5, share: 0.1, timeoutMs: 30 }, process.cpu);
    expect(outcome).toEqual({ settled: false, waitedMs: expect.any(Number) as number });
    expect(process.windows()).toBeGreaterThan(1);
  });
});

import { withoutDetails } from '@orgpulse/platform';
import { ProjectionProgress } from './projection-progress';

describe('ProjectionProgress: what /health may say without a token', () => {
  const failing = (revealErrors: boolean) => {
    let now = Date.parse('2026-11-21T12:00:00Z');
    const progress = new ProjectionProgress({ stuckAfterMs: 1_000, now: () => now, revealErrors });
    progress.partitionFailed(3, 'password authentication failed for user "orgpulse" at 10.0.0.7');
    now += 5_000;
    return progress;
  };

  it('names the error where internals may be shown', () => {
    const progress = failing(true);
    expect(progress.problems()[0]).toMatchObject({
      problem: 'partition 3: batches failing',
      detail: /password/,
    });
    expect(JSON.stringify(progress.snapshot())).toMatch(/password/);
  });

  it('with NODE_ENV=production says what is stuck, never the error behind it', () => {
    const progress = failing(false);
    const body = JSON.stringify({
      problems: withoutDetails(progress.problems()),
      projection: progress.snapshot(),
    });
    expect(body).toMatch(/partition 3: batches failing/);
    expect(body).not.toMatch(/password|10\.0\.0\.7/);
  });
});

describe('ProjectionProgress: records waiting count from the first measurement that saw them', () => {
  const S = 1_000;
  it.each([
    // [lag at each measurement 5 s apart, offset unchanged], stuck after 4 s: degraded at the last?
    [[0, 3], false], // came between two measurements: waiting for at most 5 s, seen for 0
    [[0, 3, 3], true], // seen waiting 5 s
    [[3, 3], true], // waiting at start, still at the next
    [[0, 0, 3], false],
  ] as const)('given lags %j, then stuck: %s', (lags, stuck) => {
    let now = Date.parse('2026-12-07T06:00:00Z');
    const progress = new ProjectionProgress({ stuckAfterMs: 4 * S, now: () => now, revealErrors: true });
    for (const lag of lags) {
      progress.recordLag(new Map([[0, lag]]), new Map([[0, 10n]]));
      now += 5 * S;
    }
    now -= 5 * S; // judged at the last measurement
    expect(progress.problems().some((p) => /records waiting/.test(p.problem))).toBe(stuck);
  });
});

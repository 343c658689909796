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

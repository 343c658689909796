import { PgListener } from '@orgpulse/persistence';
import type { Logger } from '@orgpulse/platform';
import type { DeliveryDispatcher } from '../deliver-alerts/delivery-dispatcher';
import type { AlerterProgress } from '../health/alerter-progress';
import { AlertScheduler } from './alert-scheduler';
import type { EvaluateAlertsHandler, EvaluationOutcome } from './evaluate-alerts.handler';

const ROUND_MS = 20;

/** A handler whose rounds take ROUND_MS of the fake clock and return the outcomes given, then empty ones. */
function handler(outcomes: EvaluationOutcome[]) {
  const rounds: number[] = [];
  const evaluate = {
    headsReady: () => Promise.resolve(true),
    sweepStep: () => Promise.resolve(false),
    nextDueInMs: () => Promise.resolve(null),
    round: async (): Promise<EvaluationOutcome> => {
      rounds.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, ROUND_MS));
      return outcomes.shift() ?? { judged: 1, raised: 0, resolved: 0, full: false };
    },
  };
  return { evaluate: evaluate as unknown as EvaluateAlertsHandler, rounds };
}

function scheduler(evaluate: EvaluateAlertsHandler, changeGapMs: number) {
  const dispatcher = { wake: () => undefined, stop: () => Promise.resolve() };
  const progress = {
    succeeded: 0,
    evaluationSucceeded() {
      this.succeeded += 1;
    },
    evaluationFailed: () => undefined,
  };
  const logger = {
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  } as unknown as Logger;
  const listener = new PgListener({ databaseUrl: 'postgres://unused', logger, applicationName: 'test' });
  const alerter = new AlertScheduler(
    evaluate,
    dispatcher as unknown as DeliveryDispatcher,
    listener,
    { intervalMs: 5_000, changeGapMs },
    progress as unknown as AlerterProgress,
    logger,
  );
  return { alerter, progress };
}

describe('the alert scheduler', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it.each([
    // changes noticed every 10 ms for 500 ms (a projector's commits)
    { gap: 250, rounds: 3 },
    { gap: 0, rounds: 26 },
  ])('judges the changes of many commits in a round per $gap ms gap', async ({ gap, rounds }) => {
    const { evaluate, rounds: started } = handler([]);
    const { alerter } = scheduler(evaluate, gap);
    for (let t = 0; t < 500; t += 10) {
      alerter.wake('changed');
      await jest.advanceTimersByTimeAsync(10);
    }
    await jest.advanceTimersByTimeAsync(1_000);
    await alerter.stop();
    expect(started).toHaveLength(rounds);
    // the last change is judged within a gap and a round of being noticed
    expect(started[started.length - 1]).toBeGreaterThanOrEqual(1_000_000 + 490 - gap - ROUND_MS);
  });

  it('pauses as long as a round of bulk work alone took before the next; live work goes on at once', async () => {
    const bulk = { judged: 100, raised: 0, resolved: 0, full: true, bulkOnly: true };
    const live = { judged: 500, raised: 0, resolved: 0, full: true, bulkOnly: false };
    const { evaluate, rounds } = handler([live, live, bulk, bulk, bulk]);
    const { alerter, progress } = scheduler(evaluate, 0);
    alerter.wake('changed');
    await jest.advanceTimersByTimeAsync(1_000);
    await alerter.stop();
    const gaps = rounds.slice(1).map((at, i) => at - rounds[i]);
    expect(gaps).toEqual([ROUND_MS, ROUND_MS, 2 * ROUND_MS, 2 * ROUND_MS, 2 * ROUND_MS]);
    // each round completed is progress (/health), not only the end of a backlog
    expect(progress.succeeded).toBe(rounds.length);
  });

  it('stops during a pause after bulk work without waiting for its end', async () => {
    const bulk = { judged: 100, raised: 0, resolved: 0, full: true, bulkOnly: true };
    const { evaluate, rounds } = handler(Array.from({ length: 10 }, () => bulk));
    const { alerter } = scheduler(evaluate, 0);
    alerter.wake('changed');
    await jest.advanceTimersByTimeAsync(ROUND_MS + 1); // the first round done: pausing
    let stopped = false;
    const stopping = alerter.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(true);
    await stopping;
    expect(rounds).toHaveLength(1);
  });
});

import { PgListener } from '@orgpulse/persistence';
import type { Logger } from '@orgpulse/platform';
import type { DeliveryDispatcher } from '../deliver-alerts/delivery-dispatcher';
import type { AlerterProgress } from '../health/alerter-progress';
import { AlertScheduler } from './alert-scheduler';
import type { EvaluateAlertsHandler, EvaluationOutcome } from './evaluate-alerts.handler';

const ROUND_MS = 20;

/** A handler whose rounds take ROUND_MS of the fake clock and return the outcomes given, then empty ones. */
function handler(outcomes: EvaluationOutcome[], roundMs = ROUND_MS) {
  const rounds: number[] = [];
  const bulkShares: number[] = [];
  const evaluate = {
    headsReady: () => Promise.resolve(true),
    sweepStep: () => Promise.resolve(false),
    nextDueInMs: () => Promise.resolve(null),
    round: async (bulkShare: number): Promise<EvaluationOutcome> => {
      rounds.push(Date.now());
      bulkShares.push(bulkShare);
      await new Promise((resolve) => setTimeout(resolve, roundMs));
      return outcomes.shift() ?? { judged: 1, bulk: 0, raised: 0, resolved: 0, full: false };
    },
  };
  return { evaluate: evaluate as unknown as EvaluateAlertsHandler, rounds, bulkShares };
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

  const bulk = { judged: 100, bulk: 100, raised: 0, resolved: 0, full: true };
  const live = { judged: 500, bulk: 0, raised: 0, resolved: 0, full: true };
  const mixed = { judged: 150, bulk: 100, raised: 0, resolved: 0, full: true };
  const times = (n: number, gap: number) => Array.from({ length: n }, () => gap * ROUND_MS);
  const fifths = (n: number) => Array.from({ length: n }, () => 0.2);

  it.each([
    // bulk work alone: half of the time (a pause as long as the round), all of its rows
    { given: 'bulk work alone', rounds: [bulk, bulk, bulk], gaps: times(3, 2), shares: [1, 1, 1, 1] },
    // live work goes on at once; bulk work after it, while live work flows, a fifth of the time (a pause four
    // rounds long) and a fifth of the rows
    {
      given: 'bulk work after live work',
      rounds: [live, live, bulk, bulk, bulk],
      gaps: [...times(2, 1), ...times(3, 5)],
      shares: [1, ...fifths(5)],
    },
    {
      given: 'rounds of live and bulk work',
      rounds: [mixed, mixed],
      gaps: times(2, 5),
      shares: [1, ...fifths(2)],
    },
    // two seconds after the last live work, bulk work takes half again, and all of its rows
    {
      given: 'bulk work long after live work',
      rounds: [live, ...Array.from({ length: 22 }, () => bulk)],
      gaps: [...times(1, 1), ...times(20, 5), ...times(2, 2)],
      shares: [1, ...fifths(20), 1, 1, 1],
    },
  ])(
    'given $given, pauses after each round of bulk work in proportion',
    async ({ rounds: outcomes, gaps, shares }) => {
      const { evaluate, rounds, bulkShares } = handler([...outcomes]);
      const { alerter, progress } = scheduler(evaluate, 0);
      alerter.wake('changed');
      await jest.advanceTimersByTimeAsync(5_000);
      await alerter.stop();
      expect(rounds.slice(1).map((at, i) => at - rounds[i])).toEqual(gaps);
      expect(bulkShares).toEqual(shares);
      // each round completed is progress (/health), not only the end of a backlog
      expect(progress.succeeded).toBe(rounds.length);
    },
  );

  it('pauses a second at most, however long a round of bulk work took', async () => {
    const { evaluate, rounds } = handler([live, bulk, bulk], 400);
    const { alerter } = scheduler(evaluate, 0);
    alerter.wake('changed');
    await jest.advanceTimersByTimeAsync(10_000);
    await alerter.stop();
    expect(rounds.slice(1).map((at, i) => at - rounds[i])).toEqual([400, 1_400, 1_400]);
  });

  it('stops after a round of bulk work without pausing', async () => {
    const { evaluate, rounds } = handler(Array.from({ length: 10 }, () => bulk));
    const { alerter } = scheduler(evaluate, 0);
    alerter.wake('changed');
    await jest.advanceTimersByTimeAsync(ROUND_MS / 2); // in the first round
    let stopped = false;
    const stopping = alerter.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(ROUND_MS / 2);
    expect(stopped).toBe(true);
    await stopping;
    expect(rounds).toHaveLength(1);
  });

  it('stops during a pause after bulk work without waiting for its end', async () => {
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

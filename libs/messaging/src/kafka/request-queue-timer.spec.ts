import { createRequire } from 'node:module';
import { PATCHED_KAFKAJS_VERSION, stopIdleRequestQueueTimers } from './request-queue-timer';

interface Queue {
  pending: unknown[];
  inflight: Map<number, unknown>;
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  push(request: object): void;
  fulfillRequest(answer: { correlationId: number; payload: unknown; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
}

// a fresh kafkajs for this file (jest's registry is per file): as published until a test patches it
const load = createRequire(__filename);
const RequestQueue = load('kafkajs/src/network/requestQueue') as {
  new (options: object): Queue;
  prototype: { scheduleCheckPendingRequests: unknown };
};
const published = RequestQueue.prototype.scheduleCheckPendingRequests;
const quiet = { debug: () => undefined, warn: () => undefined };
const queue = () =>
  new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: 'localhost:9092',
    logger: quiet,
  });
const request = (correlationId: number, sent: number[]) => ({
  entry: { correlationId, apiName: 'Metadata', resolve: () => undefined, reject: () => undefined },
  expectResponse: true,
  requestTimeout: 30_000,
  sendRequest: () => sent.push(correlationId),
});
const answer = (q: Queue, correlationId: number) => q.fulfillRequest({ correlationId, payload: {}, size: 1 });

describe('kafkajs request queue timers', () => {
  let queues: Queue[];
  const made = () => {
    const q = queue();
    queues.push(q);
    return q;
  };

  beforeEach(() => {
    queues = [];
    jest.useFakeTimers();
  });
  afterEach(() => {
    for (const q of queues) q.destroy();
    jest.useRealTimers();
  });

  it('is the kafkajs the replacement was written against (on another, see whether upstream fixed the loop)', () => {
    expect((load('kafkajs/package.json') as { version: string }).version).toBe(PATCHED_KAFKAJS_VERSION);
  });

  it('as published, an idle connection re-checks its empty queue every millisecond, for ever', () => {
    RequestQueue.prototype.scheduleCheckPendingRequests = published;
    const q = made();
    const checks = jest.spyOn(q, 'checkPendingRequests');
    q.push(request(1, []));
    answer(q, 1);
    jest.advanceTimersByTime(100);
    expect(checks.mock.calls.length).toBeGreaterThanOrEqual(90);
  });

  describe('with the replacement', () => {
    beforeAll(() => expect(stopIdleRequestQueueTimers()).toBe(true));
    afterAll(() => (RequestQueue.prototype.scheduleCheckPendingRequests = published));

    it('arms no timer once a connection is idle', () => {
      const q = made();
      q.push(request(1, []));
      answer(q, 1);
      expect(q.throttleCheckTimeoutId).toBeNull();
      const checks = jest.spyOn(q, 'checkPendingRequests');
      jest.advanceTimersByTime(1_000);
      expect(checks).not.toHaveBeenCalled();
    });

    it('sends a request queued behind one in flight when that one is answered', () => {
      const q = made();
      const sent: number[] = [];
      q.push(request(1, sent));
      q.push(request(2, sent));
      expect(sent).toEqual([1]);
      answer(q, 1);
      expect(sent).toEqual([1, 2]);
      answer(q, 2);
      // the 10 ms check armed while 2 waited fires once, then nothing is armed again
      jest.advanceTimersByTime(10);
      expect(q.throttleCheckTimeoutId).toBeNull();
      const checks = jest.spyOn(q, 'checkPendingRequests');
      jest.advanceTimersByTime(1_000);
      expect(checks).not.toHaveBeenCalled();
    });

    it('sends what waited out a throttle when the throttle ends, with nothing else to wake it', () => {
      const q = made();
      const sent: number[] = [];
      q.push(request(1, sent));
      // as a connection does: the answer first, then the throttle time it carried
      answer(q, 1);
      q.maybeThrottle(50);
      q.push(request(2, sent));
      expect(sent).toEqual([1]);
      jest.advanceTimersByTime(49);
      expect(sent).toEqual([1]);
      jest.advanceTimersByTime(2);
      expect(sent).toEqual([1, 2]);
    });

    it('keeps re-checking a queue held by requests in flight every 10 ms, as kafkajs does', () => {
      const q = made();
      q.push(request(1, []));
      q.push(request(2, []));
      const checks = jest.spyOn(q, 'checkPendingRequests');
      jest.advanceTimersByTime(100);
      expect(checks.mock.calls.length).toBeGreaterThanOrEqual(9);
      expect(checks.mock.calls.length).toBeLessThanOrEqual(11);
    });
  });
});

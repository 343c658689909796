import { TokenBucketRateLimiter } from './token-bucket.rate-limiter';

describe('TokenBucketRateLimiter', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('lets a burst through, then refuses with the seconds until the next token', () => {
    const limiter = new TokenBucketRateLimiter({ perSecond: 2, burst: 3 }, clock);
    expect([1, 2, 3].map(() => limiter.take('k').allowed)).toEqual([true, true, true]);
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 500; // one token back at 2/s
    expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('k').allowed).toBe(false);
  });

  it('keeps keys apart', () => {
    const limiter = new TokenBucketRateLimiter({ perSecond: 1, burst: 1 }, clock);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('refills no further than the burst', () => {
    const limiter = new TokenBucketRateLimiter({ perSecond: 10, burst: 2 }, clock);
    limiter.take('k');
    now += 60_000;
    expect([1, 2, 3].map(() => limiter.take('k').allowed)).toEqual([true, true, false]);
  });

  it('rounds Retry-After up to whole seconds at slow rates', () => {
    const limiter = new TokenBucketRateLimiter({ perSecond: 0.1, burst: 1 }, clock);
    limiter.take('k');
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('is off at 0 per second', () => {
    const limiter = new TokenBucketRateLimiter({ perSecond: 0, burst: 0 }, clock);
    expect(Array.from({ length: 100 }, () => limiter.take('k').allowed).every(Boolean)).toBe(true);
  });
});

import { ApiCache } from './api-cache';

describe('the API cache: bounded in bytes, expiring, stale-while-revalidate', () => {
  let clock: number;
  let cache: ApiCache;
  beforeEach(() => {
    clock = 1_000;
    cache = new ApiCache({ maxBytes: 100_000, maxAgeMs: 2_000, now: () => clock });
  });
  afterEach(() => cache.stop());

  const put = (key: string, value: string, version = 0, bytes = 1_000) =>
    cache.lead<string>(key, version)!(value, bytes);

  it('holds what it was given, counted in bytes with its key, and never more than its budget', () => {
    put('a', 'A', 0, 10_000);
    expect(cache.peek('a', 0)).toEqual({ value: 'A', fresh: true, version: 0 });
    expect(cache.bytes).toBeGreaterThanOrEqual(10_000);
    for (let i = 0; i < 100; i++) put(`k${i}`, 'x', 0, 10_000);
    expect(cache.bytes).toBeLessThanOrEqual(100_000);
    expect(cache.peek('a', 0)).toBeUndefined(); // the least recently used went first
  });

  it('keeps no value over a quarter of its budget', () => {
    put('big', 'B', 0, 30_000);
    expect(cache.peek('big', 0)).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });

  it('is fresh for half its maximum age and its data version, stale after, gone at the maximum age', () => {
    put('a', 'A', 0);
    clock += 999;
    expect(cache.peek('a', 0)?.fresh).toBe(true);
    expect(cache.peek('a', 1)?.fresh).toBe(false); // its data changed
    clock += 2;
    expect(cache.peek('a', 0)?.fresh).toBe(false);
    clock += 1_000;
    expect(cache.peek('a', 0)).toBeUndefined();
  });

  it('frees expired entries that nobody asks for again', () => {
    jest.useFakeTimers();
    try {
      const expiring = new ApiCache({ maxBytes: 100_000, maxAgeMs: 2_000, now: () => clock });
      for (let i = 0; i < 10; i++) expiring.lead<string>(`k${i}`, 0)!('x', 1_000);
      expect(expiring.entries).toBe(10);
      clock += 2_001;
      jest.advanceTimersByTime(2_000);
      expect(expiring.entries).toBe(0);
      expect(expiring.bytes).toBe(0);
      expiring.stop();
    } finally {
      jest.useRealTimers();
    }
  });

  it('lets one caller compute a key; the others wait for its value', async () => {
    const done = cache.lead<string>('a', 0)!;
    expect(cache.lead('a', 0)).toBeUndefined();
    const waiting = cache.waitFor<string>('a');
    done('A', 100);
    expect(await waiting).toBe('A');
    expect(cache.isComputing('a')).toBe(false);
  });

  describe('through(): stale-while-revalidate for computed values', () => {
    let computed: number;
    let release: (() => void) | undefined;
    const compute =
      (slow = false) =>
      () =>
        new Promise<string>((resolve) => {
          const value = `v${++computed}`;
          if (slow) release = () => resolve(value);
          else resolve(value);
        });
    beforeEach(() => (computed = 0));
    const get = (version = 0, slow = false) => cache.through('k', version, compute(slow), () => 100);

    it('computes once for concurrent callers', async () => {
      const [a, b] = [get(0, true), get(0, true)];
      release?.();
      expect(await Promise.all([a, b])).toEqual(['v1', 'v1']);
      expect(computed).toBe(1);
    });

    it('after a change, the first caller computes while the others get the previous value', async () => {
      await get();
      const refreshing = get(1, true); // the data moved: this caller recomputes
      expect(await get(1)).toBe('v1'); // ... and everyone else is answered at once
      expect(await get(1)).toBe('v1');
      release?.();
      expect(await refreshing).toBe('v2');
      expect(await get(1)).toBe('v2');
      expect(computed).toBe(2);
    });

    it('past the maximum age nothing stale is served', async () => {
      await get();
      clock += 2_001;
      expect(await get()).toBe('v2');
    });

    it('a failed computation is not kept', async () => {
      await expect(
        cache.through(
          'k',
          0,
          () => Promise.reject(new Error('down')),
          () => 1,
        ),
      ).rejects.toThrow('down');
      expect(await get()).toBe('v1');
    });
  });

  describe('exactly', () => {
    const exactly = (version: number, value: string) =>
      cache.exactly(
        'k',
        version,
        () => Promise.resolve(value),
        () => 100,
      );

    it('serves an entry at its data version only, never one of another, at any age', async () => {
      expect(await exactly(1, 'v1')).toBe('v1');
      clock += 1_500; // past half the maximum age: through() would count it stale, not wrong
      expect(await exactly(1, 'unread')).toBe('v1');
      expect(await exactly(2, 'v2')).toBe('v2');
      expect(await exactly(2, 'unread')).toBe('v2');
      expect(cache.entries).toBe(1);
    });

    it('serves a lasting entry (one that does not depend on when it was computed) past the maximum age, until the lasting one', async () => {
      const lasting = new ApiCache({
        maxBytes: 100_000,
        maxAgeMs: 2_000,
        lastingMaxAgeMs: 60_000,
        now: () => clock,
      });
      const get = (key: string, value: string, last: boolean) =>
        lasting.exactly(
          key,
          1,
          () => Promise.resolve(value),
          () => 100,
          last,
        );
      expect(await get('week', 'w1', true)).toBe('w1');
      expect(await get('now', 'n1', false)).toBe('n1');
      clock += 2_000;
      expect(await get('week', 'unread', true)).toBe('w1');
      expect(await get('now', 'n2', false)).toBe('n2');
      clock += 57_999;
      expect(await get('week', 'unread', true)).toBe('w1');
      clock += 1;
      expect(await get('week', 'w2', true)).toBe('w2');
      lasting.stop();
    });

    it('frees a lasting entry nobody asks for once the lasting age is past', async () => {
      jest.useFakeTimers();
      try {
        const lasting = new ApiCache({
          maxBytes: 100_000,
          maxAgeMs: 2_000,
          lastingMaxAgeMs: 10_000,
          now: () => clock,
        });
        await lasting.exactly(
          'week',
          1,
          () => Promise.resolve('w'),
          () => 1_000,
          true,
        );
        clock += 2_001;
        jest.advanceTimersByTime(2_000);
        expect(lasting.entries).toBe(1);
        clock += 8_000;
        jest.advanceTimersByTime(8_000);
        expect(lasting.entries).toBe(0);
        lasting.stop();
      } finally {
        jest.useRealTimers();
      }
    });

    it('while another caller computes the key, computes its own and keeps the other', async () => {
      const finish = cache.lead<string>('k', 1)!;
      expect(await exactly(2, 'v2')).toBe('v2');
      finish('v1', 100);
      expect(await exactly(2, 'v2 again')).toBe('v2 again');
    });
  });
});

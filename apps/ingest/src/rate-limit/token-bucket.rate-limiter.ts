export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until a request would be allowed again; 0 when allowed. */
  retryAfterSeconds: number;
}

export interface RateLimitOptions {
  /** Sustained requests per second per key; 0 turns limiting off. */
  perSecond: number;
  /** Requests a key may send at once after being idle. */
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const MAX_TRACKED_KEYS = 10_000;

/** A token bucket per ingest key, in this process: each ingest instance limits on its own. */
export class TokenBucketRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): RateLimitDecision {
    const { perSecond, burst } = this.options;
    if (perSecond === 0) return { allowed: true, retryAfterSeconds: 0 };
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, updatedAt: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
    bucket.updatedAt = now;
    this.remember(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
  }

  private remember(key: string, bucket: Bucket): void {
    this.buckets.set(key, bucket);
    if (this.buckets.size <= MAX_TRACKED_KEYS) return;
    // A full bucket carries no state worth keeping.
    for (const [k, b] of this.buckets) if (b.tokens >= this.options.burst - 1) this.buckets.delete(k);
  }
}

import { createHash } from 'node:crypto';
import { type CacheMeter, NO_CACHE_METER } from '@orgpulse/platform';
import type { FormattedExecutionResult } from 'graphql';
import type { OrgDataVersions } from './org-data-versions';

export interface ResultCacheOptions {
  /** How long a result may be served: bounds how far `now`-dependent figures (open blocks) lag. */
  maxAgeMs: number;
  maxEntries: number;
  now?: () => number;
}

/** What a cached result is shared by: the same org seen through the same scope, the same request. */
export interface CacheRequest {
  orgId: string;
  /** A group-scoped token sees only a subtree (contract §8): its results are its own. */
  groupId?: string | null;
  query?: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

export interface CachedResult {
  result: FormattedExecutionResult;
  /** The response body as sent: a hit writes these bytes instead of serialising the result again. */
  bytes: Buffer;
}

interface Entry extends CachedResult {
  expiresAt: number;
}

const LEADER_WAIT_MS = 10_000;

/**
 * An org's query results per data version, for at most `maxAgeMs`; requests for a result being
 * computed wait for it (up to LEADER_WAIT_MS, then compute it themselves).
 */
export class ResultCache {
  private readonly entries = new Map<string, Entry>();
  private readonly computing = new Map<string, Promise<CachedResult | undefined>>();
  readonly maxAgeMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** hits and misses, for /metrics */
  meter: CacheMeter = NO_CACHE_METER;

  constructor(
    readonly versions: OrgDataVersions,
    { maxAgeMs, maxEntries, now = Date.now }: ResultCacheOptions,
  ) {
    this.maxAgeMs = maxAgeMs;
    this.maxEntries = maxEntries;
    this.now = now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The stored response bytes of every entry (what a hit writes). */
  get bytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.bytes.length;
    return total;
  }

  /** False while changes could go unseen: nothing may be served then. */
  get usable(): boolean {
    return this.versions.listening;
  }

  keyOf(r: CacheRequest): string {
    const queryHash = createHash('sha256')
      .update(r.query ?? '')
      .digest('base64');
    return JSON.stringify([
      r.orgId,
      r.groupId ?? null,
      this.versions.of(r.orgId),
      queryHash,
      r.operationName ?? null,
      r.variables ?? {},
    ]);
  }

  fresh(key: string): CachedResult | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresAt > this.now()) return entry;
    this.entries.delete(key);
    return undefined;
  }

  /** A fresh result, or the one being computed (awaited), or undefined: the caller computes it. */
  async lookup(key: string): Promise<CachedResult | undefined> {
    const found = this.fresh(key);
    if (found !== undefined) {
      this.meter.hit();
      return found;
    }
    const pending = this.computing.get(key);
    if (pending === undefined) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<undefined>(
      (resolve) => (timer = setTimeout(() => resolve(undefined), LEADER_WAIT_MS)),
    );
    try {
      const awaited = await Promise.race([pending, giveUp]);
      if (awaited !== undefined) this.meter.hit();
      return awaited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Marks the key as being computed; undefined when another request already computes it. */
  lead(key: string): ((result: FormattedExecutionResult | undefined) => void) | undefined {
    // called once per request that computes a cacheable result: a miss
    this.meter.miss();
    if (this.computing.has(key)) return undefined;
    let done: (result: CachedResult | undefined) => void = () => undefined;
    this.computing.set(key, new Promise((resolve) => (done = resolve)));
    return (result) => {
      this.computing.delete(key);
      if (result === undefined) return done(undefined);
      const cached = { result, bytes: Buffer.from(JSON.stringify(result)) };
      if (this.entries.size >= this.maxEntries)
        this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, { ...cached, expiresAt: this.now() + this.maxAgeMs });
      done(cached);
    };
  }
}

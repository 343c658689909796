import { LRUCache } from 'lru-cache';

export interface ApiCacheOptions {
  /** Every entry's bytes (as estimated by its user) plus its key: least recently used entries go first. */
  maxBytes: number;
  /** The staleness bound: no entry is served once this old; a refresh starts at half of it. */
  maxAgeMs: number;
  /**
   * How long an entry asked for `exactly` at its data version may live when its caller says it does not
   * depend on the time it was computed at (a complete week's figures): it can only be wrong once the data
   * changed, which its version says, so this bounds a change gone unseen (a listener's connection dead
   * without an error) and how long a value nobody asks for keeps its bytes.
   */
  lastingMaxAgeMs?: number;
  /** A monotonic clock in ms (lru-cache's own by default). */
  now?: () => number;
}

interface Stored {
  value: unknown;
  /** The data version the value was computed from. */
  version: number;
  /** When its computation started. */
  at: number;
  bytes: number;
  /** No longer served once this old. */
  maxAgeMs: number;
}

/** What an entry costs beyond its value and key: lru-cache's slots, the record, the Map entry. */
const ENTRY_OVERHEAD_BYTES = 200;
/** A value over this share of the budget is not kept: one answer never evicts everything. */
const MAX_ENTRY_SHARE = 1 / 4;
const LEADER_WAIT_MS = 10_000;
const LASTING_MAX_AGE_MS = 60_000;

export interface Found<V> {
  value: V;
  /** False once its data changed or it is half its maximum age: one request should compute it again. */
  fresh: boolean;
  /** The data version it was computed from. */
  version: number;
}

/**
 * The API's one cache (query results, read-model snapshots, org sizes): bounded in bytes, entries
 * freed when they expire, and stale-while-revalidate. An entry is served for at most `maxAgeMs`
 * after its computation started; once the data it was computed from changed, or it is half that
 * old, the next request computes it again while every other request is still served the entry, so
 * no refresh makes every client wait. Concurrent requests for an entry nobody holds wait for the one
 * computing it.
 */
export class ApiCache {
  private readonly store: LRUCache<string, Stored>;
  private readonly computing = new Map<string, Promise<Stored | undefined>>();
  private readonly now: () => number;
  private readonly purging: NodeJS.Timeout;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
  readonly lastingMaxAgeMs: number;

  constructor({ maxBytes, maxAgeMs, lastingMaxAgeMs = LASTING_MAX_AGE_MS, now }: ApiCacheOptions) {
    this.maxBytes = maxBytes;
    this.maxAgeMs = maxAgeMs;
    this.lastingMaxAgeMs = Math.max(maxAgeMs, lastingMaxAgeMs);
    const perf = now ? { now } : performance;
    this.now = () => perf.now();
    this.store = new LRUCache<string, Stored>({
      maxSize: maxBytes,
      maxEntrySize: Math.floor(maxBytes * MAX_ENTRY_SHARE),
      sizeCalculation: (stored, key) => stored.bytes + 2 * key.length + ENTRY_OVERHEAD_BYTES,
      ttl: maxAgeMs,
      ttlResolution: 0,
      perf,
    });
    // expired entries are freed within one more maxAgeMs, whether or not they are asked for again
    this.purging = setInterval(() => this.store.purgeStale(), Math.max(maxAgeMs, 100));
    this.purging.unref();
  }

  /** Bytes held (as estimated by the entries' users, keys and overhead included). */
  get bytes(): number {
    return this.store.calculatedSize;
  }

  get entries(): number {
    return this.store.size;
  }

  stop(): void {
    clearInterval(this.purging);
    this.store.clear();
  }

  /** The entry if it is younger than its maximum age, and whether it is fresh for `version`. */
  peek<V>(key: string, version: number): Found<V> | undefined {
    const stored = this.store.get(key);
    if (stored === undefined) return undefined;
    const age = this.now() - stored.at;
    if (age >= stored.maxAgeMs) {
      this.store.delete(key);
      return undefined;
    }
    const fresh = stored.version === version && age < stored.maxAgeMs / 2;
    return { value: stored.value as V, fresh, version: stored.version };
  }

  isComputing(key: string): boolean {
    return this.computing.has(key);
  }

  /** The value being computed for the key (undefined if none is, it fails, or it takes too long). */
  async waitFor<V>(key: string, timeoutMs = LEADER_WAIT_MS): Promise<V | undefined> {
    const pending = this.computing.get(key);
    if (pending === undefined) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<undefined>(
      (resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)),
    );
    try {
      return (await Promise.race([pending, giveUp]))?.value as V | undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Marks the key as being computed from `version` by the caller, who must call the returned
   * function once with the value and its bytes (or undefined: nothing is kept). Undefined when
   * another caller already computes it. The entry is served for `maxAgeMs` at most (the cache's).
   */
  lead<V>(
    key: string,
    version: number,
    maxAgeMs = this.maxAgeMs,
  ): ((value: V | undefined, bytes?: number) => void) | undefined {
    if (this.computing.has(key)) return undefined;
    const at = this.now();
    let settle: (stored: Stored | undefined) => void = () => undefined;
    const pending = new Promise<Stored | undefined>((resolve) => (settle = resolve));
    this.computing.set(key, pending);
    // a leader that never reports back (its request died) does not hold the key for ever
    const abandoned = setTimeout(() => {
      if (this.computing.get(key) === pending) this.computing.delete(key);
      settle(undefined);
    }, LEADER_WAIT_MS);
    abandoned.unref();
    return (value, bytes = 0) => {
      clearTimeout(abandoned);
      if (this.computing.get(key) === pending) this.computing.delete(key);
      if (value === undefined) return settle(undefined);
      const stored: Stored = { value, version, at, bytes: Math.max(0, Math.ceil(bytes)), maxAgeMs };
      this.store.set(key, stored, { ttl: maxAgeMs });
      settle(stored);
    };
  }

  /**
   * For values that must be of this data version exactly (never stale): the entry computed from it, else
   * computed here, and kept unless another caller already computes the key (its value then stays).
   * `lasting`: the value does not depend on when it is computed, so it is served for lastingMaxAgeMs.
   */
  async exactly<V>(
    key: string,
    version: number,
    compute: () => Promise<V>,
    bytesOf: (value: V) => number,
    lasting = false,
  ): Promise<V> {
    const found = this.peek<V>(key, version);
    if (found !== undefined && found.version === version) return found.value;
    return this.computed(key, version, compute, bytesOf, lasting ? this.lastingMaxAgeMs : this.maxAgeMs);
  }

  /**
   * For values computed by a function: a fresh entry, else a stale one while another caller
   * refreshes it, else the value being computed, else computed here (and kept when `bytesOf` allows).
   */
  async through<V>(
    key: string,
    version: number,
    compute: () => Promise<V>,
    bytesOf: (value: V) => number,
  ): Promise<V> {
    const found = this.peek<V>(key, version);
    if (found !== undefined && (found.fresh || this.isComputing(key))) return found.value;
    if (found === undefined && this.isComputing(key)) {
      const computed = await this.waitFor<V>(key);
      if (computed !== undefined) return computed;
    }
    return this.computed(key, version, compute, bytesOf);
  }

  /** Computed here, and kept unless another caller computes the key (a failed computation is not kept). */
  private async computed<V>(
    key: string,
    version: number,
    compute: () => Promise<V>,
    bytesOf: (value: V) => number,
    maxAgeMs = this.maxAgeMs,
  ): Promise<V> {
    const done = this.lead<V>(key, version, maxAgeMs);
    try {
      const value = await compute();
      done?.(value, bytesOf(value));
      return value;
    } catch (error) {
      done?.(undefined);
      throw error;
    }
  }
}

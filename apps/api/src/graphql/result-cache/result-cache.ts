import { createHash } from 'node:crypto';
import { type CacheMeter, NO_CACHE_METER } from '@orgpulse/platform';
import type { ApiCache } from '../../cache/api-cache';
import type { OrgDataVersions } from './org-data-versions';

/** What a cached result is shared by: the same org seen through the same scope, the same request. */
export interface CacheRequest {
  orgId: string;
  /** A group-scoped token sees only a subtree (contract §8): its results are its own. */
  groupId?: string | null;
  query?: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** The response body as sent: a hit writes these bytes as they are. */
export type CachedResult = Buffer;

/** Bytes a result holds beyond its body: the Buffer object and its backing store's header. */
const BUFFER_OVERHEAD_BYTES = 100;

/**
 * An org's query results in the API's cache (bounded in bytes, stale-while-revalidate within
 * API_RESULT_CACHE_MS): concurrent requests for a result nobody holds wait for the one computing it;
 * once its data changed, one request computes it again while the others are answered the previous one.
 */
export class ResultCache {
  /** hits and misses, for /metrics */
  meter: CacheMeter = NO_CACHE_METER;

  constructor(
    readonly versions: OrgDataVersions,
    private readonly cache: ApiCache,
  ) {}

  /** False while changes could go unseen: nothing may be served then. */
  get usable(): boolean {
    return this.versions.listening;
  }

  keyOf(r: CacheRequest): string {
    const queryHash = createHash('sha256')
      .update(r.query ?? '')
      .digest('base64');
    return JSON.stringify([
      'result',
      r.orgId,
      r.groupId ?? null,
      this.versions.epochOf(r.orgId),
      queryHash,
      r.operationName ?? null,
      r.variables ?? {},
    ]);
  }

  /**
   * A result this request may be answered with: fresh, or stale while another request computes it,
   * or the one being computed (awaited). Undefined: the caller computes it (see lead).
   */
  async lookup(key: string, orgId: string): Promise<CachedResult | undefined> {
    const found = this.cache.peek<CachedResult>(key, this.versions.of(orgId));
    const served =
      found !== undefined && (found.fresh || this.cache.isComputing(key))
        ? found.value
        : found === undefined
          ? await this.cache.waitFor<CachedResult>(key)
          : undefined;
    if (served === undefined) this.meter.miss();
    else this.meter.hit();
    return served;
  }

  /** Marks the key as being computed by the caller; undefined when another request already computes it. */
  lead(key: string, orgId: string): ((body: string | undefined) => void) | undefined {
    const done = this.cache.lead<CachedResult>(key, this.versions.of(orgId));
    if (done === undefined) return undefined;
    return (body) => {
      if (body === undefined) return done(undefined);
      const bytes = Buffer.from(body);
      done(bytes, bytes.length + BUFFER_OVERHEAD_BYTES);
    };
  }
}

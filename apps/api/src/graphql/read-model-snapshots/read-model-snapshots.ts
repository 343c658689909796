import type { ApiCache } from '../../cache/api-cache';
import { approximateBytes } from '../../cache/approximate-bytes';
import type { OrgDataVersions } from '../result-cache/org-data-versions';

/**
 * An org's whole read models (every team timeline, group, person), read and parsed once and shared
 * by the requests of that org through the API's cache (bounded in bytes, stale-while-revalidate
 * within API_RESULT_CACHE_MS): requests for other windows and groups (which the result cache cannot
 * share) then compute from memory instead of reading and parsing the org's read models again. The
 * values are never mutated (the domain's folds copy).
 */
export class ReadModelSnapshots {
  constructor(
    private readonly versions: OrgDataVersions,
    private readonly cache: ApiCache,
  ) {}

  /** The snapshot of `kind` for the org, loading it when there is none (or it is stale and nobody reloads it). */
  of<T>(orgId: string, kind: string, load: () => Promise<T>): Promise<T> {
    // while changes could go unseen, every request reads for itself
    if (!this.versions.listening) return load();
    const key = JSON.stringify(['snapshot', kind, orgId, this.versions.epochOf(orgId)]);
    return this.cache.through(key, this.versions.of(orgId), load, approximateBytes);
  }
}

import type { ApiCache } from '../cache/api-cache';

/**
 * A value read from the org's read models, shared by the org's requests while the org's data version is
 * the one it was read at (the API's cache, bounded in bytes); without a cache, each request reads it.
 */
export type SharedRead = <V>(
  name: string,
  read: () => Promise<V>,
  bytesOf: (value: V) => number,
) => Promise<V>;

/** What shared reads need of the orgs' data versions (OrgDataVersions). */
export interface DataVersions {
  readonly listening: boolean;
  epochOf(orgId: string): number;
  of(orgId: string): number;
}

/**
 * An org's shared reads: one entry per read and org, served only at the org's data version it was read
 * at (the version as of each read: a subscription's context, which lives on, reads what is current), so
 * a value read before a change is never served after it. Read afresh while the versions' listener is
 * down (a change could go unseen).
 */
export function sharedReadOf(cache: ApiCache, versions: DataVersions, orgId: string): SharedRead {
  return (name, read, bytesOf) => {
    if (!versions.listening) return read();
    const key = JSON.stringify([name, orgId, versions.epochOf(orgId)]);
    return cache.exactly(key, versions.of(orgId), read, bytesOf);
  };
}

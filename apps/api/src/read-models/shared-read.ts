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
 * An org's shared reads, keyed by its data version itself: a value read before a change is never served
 * after it. None while the versions' listener is down (a change could go unseen).
 */
export function sharedReadOf(cache: ApiCache, versions: DataVersions, orgId: string): SharedRead | undefined {
  if (!versions.listening) return undefined;
  const [epoch, version] = [versions.epochOf(orgId), versions.of(orgId)];
  return (name, read, bytesOf) =>
    cache.through(JSON.stringify([name, orgId, epoch, version]), version, read, bytesOf);
}

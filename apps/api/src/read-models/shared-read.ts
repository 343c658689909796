import type { ApiCache } from '../cache/api-cache';

/**
 * A value read from the org's read models, shared by the org's requests while the org's data version is
 * the one it was read at (the API's cache, bounded in bytes); without a cache, each request reads it.
 * For at most API_RESULT_CACHE_MS, unless `lasting`: the value does not depend on when it was read (a
 * complete week's figures), so it is shared until the data changes (ApiCache's lastingMaxAgeMs at most).
 */
export type SharedRead = <V>(
  name: string,
  read: () => Promise<V>,
  bytesOf: (value: V) => number,
  lasting?: boolean,
) => Promise<V>;

/** What shared reads need of the orgs' data versions (OrgDataVersions). */
export interface DataVersions {
  readonly listening: boolean;
  epochOf(orgId: string): number;
  of(orgId: string): number;
}

/**
 * An org's shared reads: one entry per read and org, served only at the org's data version it was read
 * at, so a value read before a change is never served after it. `pinned` (an HTTP request): every read is
 * kept under the version as the request started, since what it computes may use what it read before
 * (its settings, its memo); else (a subscription's context, which lives on) the version as of each read.
 * Read afresh while the versions' listener is down (a change could go unseen).
 */
export function sharedReadOf(
  cache: ApiCache,
  versions: DataVersions,
  orgId: string,
  pinned = false,
): SharedRead {
  const started = pinned
    ? { epoch: versions.epochOf(orgId), version: versions.of(orgId), listening: versions.listening }
    : undefined;
  return (name, read, bytesOf, lasting = false) => {
    // a version pinned while nobody listened may be one from before changes made then
    if (!versions.listening || started?.listening === false) return read();
    const { epoch, version } = started ?? { epoch: versions.epochOf(orgId), version: versions.of(orgId) };
    return cache.exactly(JSON.stringify([name, orgId, epoch]), version, read, bytesOf, lasting);
  };
}

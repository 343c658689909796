import { type CacheMeter, NO_CACHE_METER } from '@orgpulse/platform';
import type { OrgDataVersions } from '../result-cache/org-data-versions';

export interface ReadModelSnapshotOptions {
  /** How long a snapshot may be used: bounds staleness as the result cache's maxAgeMs does. */
  maxAgeMs: number;
  /** Snapshots kept (org × kind); the oldest goes first. */
  maxEntries: number;
  now?: () => number;
}

interface Snapshot {
  version: number;
  expiresAt: number;
  value: Promise<unknown>;
}

/**
 * An org's whole read models (every team timeline, group, person), read and parsed once per data
 * version and shared by the requests of that version: requests for other windows and groups (which
 * the result cache cannot share) then compute from memory instead of reading and parsing the org's
 * read models again. The values are never mutated (the domain's folds copy).
 */
export class ReadModelSnapshots {
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly maxAgeMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** hits and misses, for /metrics */
  meter: CacheMeter = NO_CACHE_METER;

  constructor(
    private readonly versions: OrgDataVersions,
    { maxAgeMs, maxEntries, now = Date.now }: ReadModelSnapshotOptions,
  ) {
    this.maxAgeMs = maxAgeMs;
    this.maxEntries = maxEntries;
    this.now = now;
  }

  get size(): number {
    return this.snapshots.size;
  }

  /** The snapshot of `kind` for the org's current version, loading it when there is none. */
  of<T>(orgId: string, kind: string, load: () => Promise<T>): Promise<T> {
    // while changes could go unseen, every request reads for itself
    if (!this.versions.listening) return load();
    const key = `${kind}\u0000${orgId}`;
    const version = this.versions.of(orgId);
    const found = this.snapshots.get(key);
    if (found !== undefined && found.version === version && found.expiresAt > this.now()) {
      this.meter.hit();
      return found.value as Promise<T>;
    }
    this.meter.miss();
    this.snapshots.delete(key);
    if (this.snapshots.size >= this.maxEntries)
      this.snapshots.delete(this.snapshots.keys().next().value as string);
    const value = load();
    const snapshot = { version, expiresAt: this.now() + this.maxAgeMs, value };
    this.snapshots.set(key, snapshot);
    // a failed read is not kept
    value.catch(() => {
      if (this.snapshots.get(key) === snapshot) this.snapshots.delete(key);
    });
    return value;
  }
}

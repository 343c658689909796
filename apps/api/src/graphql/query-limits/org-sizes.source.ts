import { type OrgSizes, OrgSizesRepository } from '@orgpulse/persistence';
import type { DataSource } from 'typeorm';
import { ApiCache } from '../../cache/api-cache';
import type { OrgDataVersions } from '../result-cache/org-data-versions';

// a few hundred bytes, whatever the org
const SIZES_BYTES = 512;
type OrgCounts = Omit<OrgSizes, 'teamsByGroup'>;

export interface OrgSizesOptions {
  /**
   * How old the org-wide counts may be. They only weigh a query before it runs (its deadline and byte cap
   * still bound it), and counting a large org's people and alerts takes PostgreSQL about 0.4 s at 200,000
   * people: once per data version, a busy org paid that on nearly every page load.
   */
  countsMaxAgeMs: number;
  /** Orgs' counts kept at once (least recently used go first). */
  maxBytes: number;
  /** A monotonic clock in ms (tests). */
  now?: () => number;
}

export const ORG_SIZES_DEFAULTS: OrgSizesOptions = { countsMaxAgeMs: 60_000, maxBytes: 4 * 1024 * 1024 };

/** An org's sizes for the cost of its queries. */
export class OrgSizesSource {
  private readonly repository: OrgSizesRepository;
  private readonly counts: ApiCache;

  constructor(
    db: DataSource,
    private readonly cache?: ApiCache,
    private readonly versions?: OrgDataVersions,
    options: OrgSizesOptions = ORG_SIZES_DEFAULTS,
  ) {
    this.repository = new OrgSizesRepository(db);
    this.counts = new ApiCache({
      maxBytes: options.maxBytes,
      maxAgeMs: options.countsMaxAgeMs,
      now: options.now,
    });
  }

  /** Orgs whose counts are held, and their bytes (for /metrics). */
  get held(): { entries: number; bytes: number } {
    return { entries: this.counts.entries, bytes: this.counts.bytes };
  }

  /**
   * The org-wide counts are counted once, then again in the background once they are half their maximum
   * age, whatever the data version and the groups asked: no request waits on them but an org's first. A
   * group asked reads only its team count, once per data version.
   */
  async of(orgId: string, groupIds: readonly string[]): Promise<OrgSizes> {
    const { cache, versions, repository } = this;
    if (!cache || !versions?.listening) return repository.sizes(orgId, groupIds);
    const epoch = versions.epochOf(orgId);
    const version = versions.of(orgId);
    const [counts, teamsByGroup] = await Promise.all([
      this.orgCounts(orgId, epoch),
      groupIds.length === 0
        ? {}
        : cache.through(
            JSON.stringify(['sizes of groups', orgId, epoch, groupIds]),
            version,
            () => repository.teamsByGroup(orgId, groupIds),
            (counts) => SIZES_BYTES + 2 * JSON.stringify(counts).length,
          ),
    ]);
    return { ...counts, teamsByGroup };
  }

  private orgCounts(orgId: string, epoch: number): Promise<OrgCounts> {
    const key = JSON.stringify([orgId, epoch]);
    const count = () =>
      this.counts.through(
        key,
        0,
        () => this.repository.orgCounts(orgId),
        () => SIZES_BYTES,
      );
    const found = this.counts.peek<OrgCounts>(key, 0);
    if (found === undefined) return count();
    // a failed refresh keeps the counts there were; once they expire, a request counts and sees the error
    if (!found.fresh && !this.counts.isComputing(key)) count().catch(() => undefined);
    return Promise.resolve(found.value);
  }
}

import { type OrgPeopleCounts, type OrgSizes, OrgSizesRepository } from '@orgpulse/persistence';
import { type Logger, describeError } from '@orgpulse/platform';
import type { DataSource } from 'typeorm';
import { ApiCache } from '../../cache/api-cache';
import type { OrgDataVersions } from '../result-cache/org-data-versions';

// a few hundred bytes, whatever the org
const SIZES_BYTES = 512;

export interface OrgSizesOptions {
  /**
   * How old the counts may be. People, managers and alerts are kept whatever the data version: they only
   * ever shorten a page (a list's entries are its page or fewer), and counting them takes PostgreSQL about
   * 0.4 s at 200,000 people: once per data version, a busy org paid that on nearly every page load. Teams
   * and groups are counted for their data version only, kept within this age, not the results' 2 s (at
   * 20,000 teams, counting them again every other page load put 30-110 ms before each query's execution).
   */
  maxAgeMs: number;
  /** Orgs' counts kept at once (least recently used go first). */
  maxBytes: number;
  /** A monotonic clock in ms (tests). */
  now?: () => number;
}

export const ORG_SIZES_DEFAULTS: OrgSizesOptions = { maxAgeMs: 60_000, maxBytes: 4 * 1024 * 1024 };

/** An org's sizes for the cost of its queries. */
export class OrgSizesSource {
  private readonly repository: OrgSizesRepository;
  private readonly counts: ApiCache;

  constructor(
    db: DataSource,
    /** The API's cache: without one (API_RESULT_CACHE_MS=0) nothing is kept here either. */
    private readonly cache?: ApiCache,
    private readonly versions?: OrgDataVersions,
    private readonly logger?: Logger,
    options: OrgSizesOptions = ORG_SIZES_DEFAULTS,
  ) {
    this.repository = new OrgSizesRepository(db);
    this.counts = new ApiCache({
      maxBytes: options.maxBytes,
      maxAgeMs: options.maxAgeMs,
      now: options.now,
    });
  }

  /** Orgs' team and people counts held (two entries an org), and their bytes (for /metrics). */
  get held(): { entries: number; bytes: number } {
    return { entries: this.counts.entries, bytes: this.counts.bytes };
  }

  stop(): void {
    this.counts.stop();
  }

  /**
   * Teams and groups are counted once per data version (aggregates and pairs of teams are costed by
   * them, so an org grown since is never costed as it was), a group asked for adds its team count (kept
   * with the answers, for their 2 s); people, managers and alerts are counted again in the background once
   * half their maximum age, whatever the version, so no request waits on them but an org's first (or the
   * first after a quiet minute).
   */
  async of(orgId: string, groupIds: readonly string[]): Promise<OrgSizes> {
    const { cache, versions, repository, counts } = this;
    if (!cache || !versions?.listening) return repository.sizes(orgId, groupIds);
    const epoch = versions.epochOf(orgId);
    const version = versions.of(orgId);
    const [teams, people, teamsByGroup] = await Promise.all([
      counts.through(
        JSON.stringify(['team counts', orgId, epoch]),
        version,
        () => repository.teamCounts(orgId),
        () => SIZES_BYTES,
      ),
      this.countPeople(orgId, epoch),
      // a few groups' team counts, keyed by the groups asked: with the answers, not where they would push
      // out orgs' people counts
      groupIds.length === 0
        ? {}
        : cache.through(
            JSON.stringify(['sizes of groups', orgId, epoch, groupIds]),
            version,
            () => repository.teamsByGroup(orgId, groupIds),
            (byGroup) => SIZES_BYTES + 2 * JSON.stringify(byGroup).length,
          ),
    ]);
    return { ...teams, ...people, teamsByGroup };
  }

  private countPeople(orgId: string, epoch: number): Promise<OrgPeopleCounts> {
    const key = JSON.stringify(['people counts', orgId, epoch]);
    const count = () =>
      this.counts.through(
        key,
        0,
        () => this.repository.peopleCounts(orgId),
        () => SIZES_BYTES,
      );
    const found = this.counts.peek<OrgPeopleCounts>(key, 0);
    if (found === undefined) return count();
    if (!found.fresh && !this.counts.isComputing(key))
      count().catch((error: unknown) =>
        // the counts there were stay until they expire; then a request counts and sees the error
        this.logger?.warn({ orgId, err: describeError(error) }, 'could not count the org for query costs'),
      );
    return Promise.resolve(found.value);
  }
}

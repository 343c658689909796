import { type OrgSizes, OrgSizesRepository } from '@orgpulse/persistence';
import type { DataSource } from 'typeorm';
import type { ApiCache } from '../../cache/api-cache';
import type { OrgDataVersions } from '../result-cache/org-data-versions';

// a few hundred bytes, whatever the org
const SIZES_BYTES = 512;

/** An org's sizes for the cost of its queries, shared through the API cache. */
export class OrgSizesSource {
  private readonly repository: OrgSizesRepository;

  constructor(
    db: DataSource,
    private readonly cache?: ApiCache,
    private readonly versions?: OrgDataVersions,
  ) {
    this.repository = new OrgSizesRepository(db);
  }

  /**
   * The org-wide counts are cached once per data version, whatever the groups asked: each request for
   * another group reads only that group's team count (counting a large org's people is not cheap).
   */
  async of(orgId: string, groupIds: readonly string[]): Promise<OrgSizes> {
    const { cache, versions, repository } = this;
    if (!cache || !versions?.listening) return repository.sizes(orgId, groupIds);
    const epoch = versions.epochOf(orgId);
    const version = versions.of(orgId);
    const [counts, teamsByGroup] = await Promise.all([
      cache.through(
        JSON.stringify(['sizes', orgId, epoch]),
        version,
        () => repository.orgCounts(orgId),
        () => SIZES_BYTES,
      ),
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
}

import { type OrgSizes, OrgSizesRepository } from '@orgpulse/persistence';
import type { DataSource } from 'typeorm';
import type { ApiCache } from '../../cache/api-cache';
import type { OrgDataVersions } from '../result-cache/org-data-versions';

// a few hundred bytes, whatever the org
const SIZES_BYTES = 512;

/** An org's sizes for the cost of its queries: read in one statement, shared through the API cache. */
export class OrgSizesSource {
  private readonly repository: OrgSizesRepository;

  constructor(
    db: DataSource,
    private readonly cache?: ApiCache,
    private readonly versions?: OrgDataVersions,
  ) {
    this.repository = new OrgSizesRepository(db);
  }

  of(orgId: string, groupIds: readonly string[]): Promise<OrgSizes> {
    const read = () => this.repository.sizes(orgId, groupIds);
    const { cache, versions } = this;
    if (!cache || !versions?.listening) return read();
    const key = JSON.stringify(['sizes', orgId, versions.epochOf(orgId), groupIds]);
    return cache.through(key, versions.of(orgId), read, () => SIZES_BYTES);
  }
}

import { ADVISORY_LOCKS } from '../database/advisory-locks';
import type { DataSource } from 'typeorm';
import { col, rowShape, selectOne } from '../database/typed-sql';
import { recordReadModelVersions, staleReadModels } from './read-model-versions';
import { type RebuildResult, rebuildProjections } from './rebuild-projections';

// Held for the check and the rebuild, so of several projectors starting together one rebuilds.
const UPGRADE_LOCK = ADVISORY_LOCKS.readModelUpgrade;
const ANY_EVENT = rowShape('whether the store holds events', { any: col.bool() });

export interface UpgradeOutcome {
  stale: { name: string; stored: number | null; declared: number }[];
  rebuilt?: RebuildResult;
}

/**
 * Before a projector consumes: if a read model's declared version differs from the one its table was
 * folded with, every read model is rebuilt from the event store (an empty store only records versions).
 */
export async function upgradeReadModels(
  db: DataSource,
  onStale: (stale: UpgradeOutcome['stale']) => void = () => undefined,
): Promise<UpgradeOutcome> {
  const lock = db.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [UPGRADE_LOCK]);
    const stale = await staleReadModels(db.manager);
    if (stale.length === 0) return { stale };
    const { any } = await selectOne(db, ANY_EVENT, 'SELECT EXISTS (SELECT 1 FROM event_store) AS any');
    if (!any) {
      await recordReadModelVersions(db.manager);
      return { stale };
    }
    onStale(stale);
    return { stale, rebuilt: await rebuildProjections(db) };
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [UPGRADE_LOCK]).catch(() => undefined);
    await lock.release();
  }
}

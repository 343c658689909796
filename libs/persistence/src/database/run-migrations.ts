import { ADVISORY_LOCKS } from './advisory-locks';
import type { DataSource } from 'typeorm';
import { ensureDeclaredTables } from '../projections/declared-tables';

// Every service migrates at start; the advisory lock makes concurrent starts take turns.
const MIGRATION_LOCK = ADVISORY_LOCKS.migrations;

/** The migrations not yet applied, then the tables declared read models imply (their names are returned). */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const declared = await dataSource.transaction((tx) => ensureDeclaredTables(tx));
    return [...applied.map((m) => m.name), ...(declared.length > 0 ? ['declared read model tables'] : [])];
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
}

import { DependencyError, describeError, redactUrl, retryUntil } from '@orgpulse/platform';
import type { DataSource } from 'typeorm';
import { createDataSource, type DatabaseOptions } from './data-source';
import { runMigrations } from './run-migrations';

/**
 * Connects (retrying until the startup timeout) and brings the schema up to date.
 * An unreachable database becomes one line naming DATABASE_URL.
 */
export async function connectDatabase(
  options: DatabaseOptions & { startupTimeoutMs: number; migrate?: boolean },
): Promise<DataSource> {
  let dataSource: DataSource;
  try {
    dataSource = await retryUntil(options.startupTimeoutMs, () => createDataSource(options).initialize());
  } catch (error) {
    throw new DependencyError(
      'DATABASE_URL',
      `cannot connect to ${redactUrl(options.url)} (${describeError(error)})`,
    );
  }
  if (options.migrate !== false) await runMigrations(dataSource);
  return dataSource;
}

import { DataSource } from 'typeorm';
import { migrations } from '../migrations';

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
  /** a statement running longer is cancelled; a session idle inside a transaction this long is ended */
  statementTimeoutMs?: number;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 60_000;

/** Schema comes only from migrations; synchronize stays off. */
export function createDataSource({
  url,
  poolSize = 10,
  applicationName = 'orgpulse',
  statementTimeoutMs = DEFAULT_STATEMENT_TIMEOUT_MS,
}: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName,
    // No query or forgotten transaction holds a connection, or the locks it took, for longer than this.
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5_000,
      statement_timeout: statementTimeoutMs,
      idle_in_transaction_session_timeout: statementTimeoutMs,
      // Every statement here is bounded and waited for by someone: JIT compiling one whose rows the planner
      // over-estimates (a generate_series per row) took 300 ms to save nothing.
      options: [process.env.PGOPTIONS, '-c jit=off'].filter(Boolean).join(' '),
    },
  });
}

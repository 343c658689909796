import { DataSource } from 'typeorm';
import { migrations } from '../migrations';

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

/** Schema comes only from migrations; synchronize stays off. */
export function createDataSource({
  url,
  poolSize = 10,
  applicationName = 'orgpulse',
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
    extra: { max: poolSize, connectionTimeoutMillis: 5_000 },
  });
}

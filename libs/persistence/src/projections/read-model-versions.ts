import { type AnyReadModel, READ_MODELS } from '@orgpulse/domain';
import { type Queryable, col, rowShape, selectRows } from '../database/typed-sql';

const VERSION_ROW = rowShape('read model version', { name: col.text(), version: col.int() });

/** The declared read models whose stored tables were folded by another version of their fold. */
export async function staleReadModels(
  db: Queryable,
  models: readonly AnyReadModel[] = READ_MODELS,
): Promise<{ name: string; stored: number | null; declared: number }[]> {
  const rows = await selectRows(db, VERSION_ROW, 'SELECT name, version FROM read_model_versions');
  const stored = new Map(rows.map((r) => [r.name, r.version]));
  return models
    .filter((m) => stored.get(m.name) !== m.version)
    .map((m) => ({ name: m.name, stored: stored.get(m.name) ?? null, declared: m.version }));
}

export async function recordReadModelVersions(
  db: Queryable,
  models: readonly AnyReadModel[] = READ_MODELS,
): Promise<void> {
  await db.query(
    `INSERT INTO read_model_versions (name, version) SELECT * FROM unnest($1::text[], $2::int[])
     ON CONFLICT (name) DO UPDATE SET version = excluded.version, updated_at = now()`,
    [models.map((m) => m.name), models.map((m) => m.version)],
  );
}

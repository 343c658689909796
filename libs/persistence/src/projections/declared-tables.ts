import { type AnyReadModel, READ_MODELS } from '@orgpulse/domain';
import { type Queryable, col, rowShape, selectRows } from '../database/typed-sql';
import { dropDocumentStatistics } from './document-statistics';
import { type ReadModelTables, tableNames, tablesOf } from './read-model-tables';

const COLUMN_ROW = rowShape('table column', { table: col.text(), column: col.text() });
const WORD_ROW = rowShape('reserved word', { word: col.text() });
const VERSION_ROW = rowShape('stored read model version', { name: col.text(), version: col.int() });

// bounded so that every derived name (`<model>_weeks_<flag>`) stays within PostgreSQL's 63 bytes
const MODEL_NAME = /^[a-z][a-z0-9_]{0,19}$/;
const COLUMN_NAME = /^[a-z][a-z0-9_]{0,29}$/;

function identifier(name: string, where: string, pattern = COLUMN_NAME): string {
  if (!pattern.test(name))
    throw new Error(
      `${where}: "${name}" is not a lower_snake_case SQL name of at most ${pattern === MODEL_NAME ? 20 : 30} characters`,
    );
  return name;
}

/** The statements that give a declaration its tables, given the columns each existing table has. */
export function declaredTableStatements(
  model: AnyReadModel,
  existing: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  identifier(model.name, 'read model', MODEL_NAME);
  const tables: ReadModelTables = tablesOf(model);
  const statements: string[] = [];
  const missing = (table: string, names: readonly string[]) =>
    names.filter((n) => !(existing.get(table)?.has(identifier(n, `${model.name}`)) ?? false));

  const headColumns = Object.keys(model.columns ?? {});
  if (!existing.has(tables.head)) {
    statements.push(`CREATE TABLE ${tables.head} (
      org_id uuid NOT NULL, subject_id text NOT NULL, state jsonb NOT NULL,
      last_at_ms bigint NOT NULL, last_position bigint NOT NULL, version bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, subject_id))`);
    statements.push(`CREATE INDEX ${tables.head}_last_at ON ${tables.head} (org_id, last_at_ms)`);
  }
  for (const column of missing(tables.head, headColumns)) {
    statements.push(`ALTER TABLE ${tables.head} ADD COLUMN ${column} text`);
    statements.push(`CREATE INDEX ${tables.head}_${column} ON ${tables.head} (org_id, ${column})`);
  }

  if (tables.weeks !== undefined) {
    if (!existing.has(tables.weeks))
      statements.push(`CREATE TABLE ${tables.weeks} (
        org_id uuid NOT NULL, subject_id text NOT NULL, week_ms bigint NOT NULL,
        start_state jsonb NOT NULL, facts jsonb NOT NULL, covers_until_ms bigint, version bigint NOT NULL,
        PRIMARY KEY (org_id, subject_id, week_ms))`);
    for (const flag of missing(tables.weeks, Object.keys(model.weekFlags ?? {}))) {
      statements.push(`ALTER TABLE ${tables.weeks} ADD COLUMN ${flag} boolean NOT NULL DEFAULT false`);
      statements.push(
        `CREATE INDEX ${tables.weeks}_${flag} ON ${tables.weeks} (org_id, subject_id, week_ms) WHERE ${flag}`,
      );
    }
  }

  if (tables.links !== undefined && !existing.has(tables.links))
    statements.push(`CREATE TABLE ${tables.links} (
      org_id uuid NOT NULL, link_id text NOT NULL, subject_id text NOT NULL,
      PRIMARY KEY (org_id, link_id, subject_id))`);

  if (tables.totals !== undefined) {
    if (!existing.has(tables.totals))
      statements.push(`CREATE TABLE ${tables.totals} (
        org_id uuid NOT NULL, day_ms bigint NOT NULL, PRIMARY KEY (org_id, day_ms))`);
    for (const column of missing(tables.totals, model.totals?.columns ?? []))
      statements.push(`ALTER TABLE ${tables.totals} ADD COLUMN ${column} numeric NOT NULL DEFAULT 0`);
  }
  return statements;
}

/**
 * Gives every declared read model the tables its declaration implies (run with the migrations, under
 * their lock): a new model, or a new column, flag or total of one, needs no hand-written migration. It
 * only adds; a model whose fold or columns change moves its version, and the projector rebuilds it.
 */
export async function ensureDeclaredTables(
  db: Queryable,
  models: readonly AnyReadModel[] = READ_MODELS,
): Promise<string[]> {
  const names = models.map((m) => m.name);
  const twice = names.filter((name, i) => names.indexOf(name) !== i);
  if (twice.length > 0) throw new Error(`read models: ${twice.join(', ')} declared more than once`);
  // DDL waits for the tables' readers and writers: past this it fails (and the service retries its start)
  // rather than queueing every reader of the table behind it
  await db.query(`SET LOCAL lock_timeout = '10s'`);
  const rows = await selectRows(
    db,
    COLUMN_ROW,
    `SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
      WHERE table_schema = current_schema()`,
  );
  const existing = new Map<string, Set<string>>();
  for (const { table, column } of rows) existing.set(table, (existing.get(table) ?? new Set()).add(column));
  const reserved = new Set(
    (await selectRows(db, WORD_ROW, `SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T')`)).map(
      (r) => r.word,
    ),
  );
  const stored = new Map(
    (await selectRows(db, VERSION_ROW, `SELECT name, version FROM read_model_versions`)).map((r) => [
      r.name,
      r.version,
    ]),
  );
  const statements: string[] = [];
  for (const model of models) {
    const named = [
      ...Object.keys(model.columns ?? {}),
      ...Object.keys(model.weekFlags ?? {}),
      ...(model.totals?.columns ?? []),
    ];
    const refused = named.filter((n) => reserved.has(n));
    if (refused.length > 0)
      throw new Error(`read model ${model.name}: ${refused.join(', ')} is a reserved SQL word`);
    const own = declaredTableStatements(model, existing);
    // a column added to tables that hold data is empty in them until they are refolded
    const altered = own.filter((sql) => sql.startsWith('ALTER TABLE'));
    if (altered.length > 0 && stored.get(model.name) === model.version)
      throw new Error(
        `read model ${model.name}: its declaration adds to its stored tables (${altered.join('; ')}) without moving its version ${model.version}: move it, so that the projector refolds them`,
      );
    statements.push(...own);
  }
  for (const statement of statements) await db.query(statement);
  // tables made before their documents kept no statistics, or by an older version, get it here once
  const quiet = await dropDocumentStatistics(
    db,
    models.flatMap((m) => tableNames(tablesOf(m))),
  );
  return [...statements, ...quiet];
}

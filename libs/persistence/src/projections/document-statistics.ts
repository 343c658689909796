import { type Queryable, col, rowShape, selectRows } from '../database/typed-sql';

const DOCUMENT_COLUMN = rowShape('document column', { table: col.text(), column: col.text() });

/**
 * Gives the tables' JSON documents (their jsonb columns, in the current schema) no statistics, where they
 * have some, and returns the statements run. No query filters, joins or sorts on a read model's documents,
 * and computing their statistics is most of an ANALYZE's time (autovacuum's, a rebuild's).
 */
export async function dropDocumentStatistics(db: Queryable, tables: readonly string[]): Promise<string[]> {
  const documents = await selectRows(
    db,
    DOCUMENT_COLUMN,
    `SELECT c.relname AS "table", a.attname AS "column"
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1::text[])
        AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 'jsonb'::regtype
        AND coalesce(a.attstattarget, -1) <> 0
      ORDER BY 1, 2`,
    [tables],
  );
  const statements = documents.map(
    ({ table, column }) => `ALTER TABLE ${table} ALTER COLUMN ${column} SET STATISTICS 0`,
  );
  for (const statement of statements) await db.query(statement);
  return statements;
}

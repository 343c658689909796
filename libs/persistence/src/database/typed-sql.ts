import { type Static, type TObject, type TProperties, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { EntityManager } from 'typeorm';

/**
 * The one handle every repository and store takes: a DataSource, its manager, or a transaction's manager
 * (the caller decides whether the work is in a transaction).
 */
export type Queryable = Pick<EntityManager, 'query'>;

/** Column types as node-postgres returns them (bigint and numeric as text: cast to float8 to get a number). */
export const col = {
  text: () => Type.String(),
  int: () => Type.Integer(),
  float: () => Type.Number(),
  bool: () => Type.Boolean(),
  date: () => Type.Date(),
  json: () => Type.Unknown(),
  /** bytea: a Buffer (checked as the Uint8Array it is). */
  bytes: () => Type.Unsafe<Buffer>(Type.Uint8Array()),
  nullable: <T extends TSchema>(type: T) => Type.Union([type, Type.Null()]),
  array: <T extends TSchema>(type: T) => Type.Array(type),
};

/** A row shape a query is checked against, compiled once. */
export class RowShape<P extends TProperties> {
  readonly check: TypeCheck<TObject<P>>;

  constructor(
    readonly name: string,
    properties: P,
  ) {
    this.check = TypeCompiler.Compile(Type.Object(properties));
  }
}

export const rowShape = <P extends TProperties>(name: string, properties: P): RowShape<P> =>
  new RowShape(name, properties);

export type RowOf<S> = S extends RowShape<infer P> ? Static<TObject<P>> : never;

/** A row that is not what its query promised: a column renamed, retyped or gone in the schema. */
export class RowShapeError extends Error {
  constructor(shape: string, index: number, path: string, message: string) {
    super(`${shape}: row ${index}${path === '' ? '' : ` at ${path}`} ${message}`);
    this.name = 'RowShapeError';
  }
}

/** The rows a statement returns, each checked against its shape at the boundary. */
export async function selectRows<P extends TProperties>(
  db: Queryable,
  shape: RowShape<P>,
  sql: string,
  params: unknown[] = [],
): Promise<Static<TObject<P>>[]> {
  const rows: unknown = await db.query(sql, params);
  if (!Array.isArray(rows)) throw new RowShapeError(shape.name, 0, '', 'the statement returned no rows');
  for (let i = 0; i < rows.length; i++)
    if (!shape.check.Check(rows[i])) {
      const error = shape.check.Errors(rows[i]).First();
      throw new RowShapeError(shape.name, i, error?.path ?? '', error?.message ?? 'does not match');
    }
  return rows as Static<TObject<P>>[];
}

/** The first row a statement returns (checked), or undefined. */
export async function selectRow<P extends TProperties>(
  db: Queryable,
  shape: RowShape<P>,
  sql: string,
  params: unknown[] = [],
): Promise<Static<TObject<P>> | undefined> {
  return (await selectRows(db, shape, sql, params))[0];
}

/** The one row a statement always returns (an aggregate): checked, and an error when there is none. */
export async function selectOne<P extends TProperties>(
  db: Queryable,
  shape: RowShape<P>,
  sql: string,
  params: unknown[] = [],
): Promise<Static<TObject<P>>> {
  const row = await selectRow(db, shape, sql, params);
  if (row === undefined)
    throw new RowShapeError(shape.name, 0, '', 'is missing: the statement returned none');
  return row;
}

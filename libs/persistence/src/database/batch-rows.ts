import { createHash } from 'node:crypto';
import { finished } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager, QueryRunner } from 'typeorm';
import { type CopyValue, copyField } from './copy-rows';
import { lineOf } from './statement-line';

/** Rows from which a batch goes by COPY: below, the round trips COPY adds cost more than it saves. */
export const COPY_AT_LEAST = 64;

const CHUNK_CHARS = 96 * 1024;

export interface BatchStatement {
  sql: string;
  params: unknown[];
}

/** Per transaction (its query runner), the batches whose tables its first statement made (prepareBatchTables). */
const prepared = new WeakMap<QueryRunner, ReadonlySet<BatchRows>>();

/**
 * A batch of rows as the FROM item of one statement, each value read by its column type's input function
 * as COPY's text format would. Small batches travel as one JSON parameter; from COPY_AT_LEAST rows they
 * are COPYed into a temporary table of the connection (emptied at commit) and taken out by the statement
 * itself: for thousands of rows with JSON in them PostgreSQL then spends about half the CPU it spends
 * parsing and casting a JSON parameter. One statement at a time per transaction and BatchRows: the table
 * is the connection's, and a statement takes all of it.
 */
export class BatchRows {
  /** the temporary table's name: its columns in it, so a connection never meets an older shape */
  readonly table: string;
  private readonly names: string;
  /** makes the table, unless the connection has it already: a PL/pgSQL statement */
  readonly createIfMissing: string;
  private readonly fromJson: string;

  constructor(
    name: string,
    columns: readonly (readonly [name: string, type: string])[],
    private readonly copyAtLeast = COPY_AT_LEAST,
  ) {
    const shape = createHash('sha256').update(JSON.stringify(columns)).digest('hex').slice(0, 8);
    const table = `${name}_${shape}`;
    this.table = table;
    this.names = columns.map(([n]) => n).join(', ');
    // one statement whether or not the table exists: CREATE ... IF NOT EXISTS sends a notice each time
    this.createIfMissing = `IF to_regclass('pg_temp.${table}') IS NULL THEN
        CREATE TEMP TABLE ${table} (${columns.map(([n, t]) => `${n} ${t}`).join(', ')}) ON COMMIT DELETE ROWS;
      END IF;`;
    // jsonb: parsed once, where json's ->> parses the row's text again for every column
    this.fromJson = `(SELECT ${columns.map(([n, t], i) => `(e->>${i})::${t} AS ${n}`).join(', ')}
                        FROM jsonb_array_elements($1::jsonb) AS e) AS r`;
  }

  /**
   * The statement `build` makes, given the FROM item the rows are in (in the order given, $1 taken), to
   * run next in the transaction of `tx`: COPYed rows are there for it alone. Outside a transaction
   * (nowhere to keep them) the rows go by JSON whatever their number.
   */
  async statement(
    tx: EntityManager,
    rows: readonly (readonly CopyValue[])[],
    build: (from: string) => string,
  ): Promise<BatchStatement> {
    const runner = tx.queryRunner;
    if (rows.length < this.copyAtLeast || runner === undefined || !runner.isTransactionActive)
      return { sql: build(this.fromJson), params: [JSON.stringify(rows)] };
    await this.copy(tx, runner, rows);
    // taken out as read, so the table is empty for the next batch of the same transaction
    return {
      sql: `WITH staged AS (DELETE FROM ${this.table} RETURNING ${this.names}) ${build('staged')}`,
      params: [],
    };
  }

  private async copy(
    tx: EntityManager,
    runner: QueryRunner,
    rows: readonly (readonly CopyValue[])[],
  ): Promise<void> {
    if (!prepared.get(runner)?.has(this)) await tx.query(tableStatement([this]));
    await copyInto(runner, this.table, this.names, rows);
  }
}

const tableStatement = (batches: readonly BatchRows[]) =>
  `DO $$ BEGIN ${batches.map((b) => b.createIfMissing).join('\n')} END $$`;

/**
 * Makes the tables of `batches` (if any) in the transaction's first statement (with `first`, statements
 * without parameters, before them), where each COPY into one would have been preceded by a statement of its
 * own that looks for it: with the CPU busy, each round trip waits for both processes to be scheduled again.
 * A transaction that rolls back takes the tables it made with it; the next one prepares them again.
 */
export async function prepareBatchTables(
  tx: EntityManager,
  batches: readonly BatchRows[],
  first: readonly string[] = [],
): Promise<void> {
  const runner = tx.queryRunner;
  if (runner === undefined || !runner.isTransactionActive)
    throw new Error('batch tables are prepared in a transaction');
  await tx.query([...first, ...(batches.length > 0 ? [tableStatement(batches)] : [])].join(';\n'));
  prepared.set(runner, new Set([...(prepared.get(runner) ?? []), ...batches]));
}

/**
 * COPYs rows into `table` (its `columns`, a comma-separated list) on the transaction's connection, in
 * chunks that wait for the socket once PostgreSQL is behind. A refused value fails the COPY (and the
 * transaction, or its savepoint) with PostgreSQL's error. The rows may be given as COPY text made
 * beforehand (copyText): then the COPY's turn costs this process nothing but the writes.
 */
export function copyInto(
  runner: QueryRunner,
  table: string,
  columns: string,
  rows: readonly (readonly CopyValue[])[] | CopyText,
): Promise<void> {
  const chunks = rows instanceof CopyText ? rows.chunks : chunksOf(rows);
  // in the connection's line: a COPY sent while a statement runs would go through pg's deprecated queue
  return lineOf(runner).run(() => copyNow(runner, table, columns, chunks));
}

/** Rows as COPY text, made ahead of their COPY. */
export class CopyText {
  constructor(readonly chunks: readonly string[]) {}
}

export const copyText = (rows: readonly (readonly CopyValue[])[]): CopyText =>
  new CopyText([...chunksOf(rows)]);

/** Rows as COPY text, about CHUNK_CHARS at a time, made as they are asked for. */
function* chunksOf(rows: readonly (readonly CopyValue[])[]): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += row.map(copyField).join('\t') + '\n';
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

async function copyNow(
  runner: QueryRunner,
  table: string,
  columns: string,
  chunks: Iterable<string>,
): Promise<void> {
  const client = (await runner.connect()) as ClientBase;
  const stream = copyFrom(`COPY ${table} (${columns}) FROM STDIN`);
  client.query(stream);
  // PostgreSQL's error (a value refused mid-stream) does not end the stream: chunks still queued would
  // be written to a connection it has let go of (an uncaught TypeError). Destroyed, it drops them.
  stream.on('error', () => stream.destroy());
  const done = finished(stream);
  done.catch(() => undefined); // awaited below; handled meanwhile, should it fail between two writes
  try {
    for (const chunk of chunks)
      // the next chunk waits for the socket once PostgreSQL is behind
      if (!stream.write(chunk)) await Promise.race([new Promise((r) => stream.once('drain', r)), done]);
  } catch (error) {
    // a COPY left open would hold the connection (and its ROLLBACK) waiting for rows: CopyFail ends it
    stream.destroy(error instanceof Error ? error : new Error(String(error)));
    await done.catch(() => undefined);
    throw error;
  }
  stream.end();
  await done;
}

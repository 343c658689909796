import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type CopyValue = string | number | boolean | null;

const ESCAPED = /[\\\t\n\r]/;

/** One value in COPY's text format: \N for null, backslash escapes for the characters it gives meaning. */
export function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  const text = String(value);
  // most values (numbers, ids, JSON of plain text) have nothing to escape: skip four passes over them
  return ESCAPED.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : text;
}

// Chunks well under V8's largest young-generation object (128 KiB): a larger string, flattened to be
// written, is allocated in the old generation, whose growth sets the process's peak RSS
const CHUNK_CHARS = 96 * 1024;

// A COPY is ended and another begun after this much text: each statement stays short (statement_timeout)
const STATEMENT_CHARS = 64 * 1024 * 1024;

/** Where rows for bulk loading go. */
export interface CopySink {
  write(table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<void>;
}

interface TableCopy {
  client: Client;
  columns: string;
  stream: ReturnType<typeof copyFrom>;
  done: Promise<void>;
  chars: number;
}

/**
 * A COPY FROM STDIN (text format) kept open per table, each on a connection of its own, for loading
 * fresh tables nothing else writes. Rows go to the socket as they are made and PostgreSQL parses them
 * while the caller makes the next ones: one statement per table per STATEMENT_CHARS, where one per table
 * per batch left both sides waiting on each other's round trips. Each statement commits on its own, as a
 * COPY outside a transaction does; `end` returns once all have. Writes are awaited one at a time.
 */
export class OpenCopies implements CopySink {
  private readonly copies = new Map<string, TableCopy>();
  private failure: Error | undefined;

  constructor(
    private readonly connect: () => Promise<Client>,
    private readonly statementChars = STATEMENT_CHARS,
  ) {}

  /** Resolves when the rows are on their connection's socket (PostgreSQL may not have read them yet). */
  async write(
    table: string,
    columns: readonly string[],
    rows: Iterable<readonly CopyValue[]>,
  ): Promise<void> {
    this.throwIfFailed();
    let copy = this.copies.get(table) ?? (await this.open(table, columns));
    let chunk = '';
    for (const row of rows) {
      chunk += row.map(copyField).join('\t') + '\n';
      if (chunk.length >= CHUNK_CHARS) {
        copy = await this.send(table, copy, chunk);
        chunk = '';
      }
    }
    if (chunk !== '') await this.send(table, copy, chunk);
  }

  /** Ends every COPY and waits for PostgreSQL to commit them; the connections are closed. */
  async end(): Promise<void> {
    try {
      for (const copy of this.copies.values()) copy.stream.end();
      await Promise.all([...this.copies.values()].map((c) => c.done));
      this.throwIfFailed();
    } finally {
      await this.close();
    }
  }

  /** Fails every COPY still open (PostgreSQL discards the rows sent since each began); closes the connections. */
  async abort(reason: unknown): Promise<void> {
    for (const copy of this.copies.values())
      copy.stream.destroy(reason instanceof Error ? reason : new Error(String(reason)));
    await Promise.allSettled([...this.copies.values()].map((c) => c.done));
    await this.close();
  }

  private async open(table: string, columns: readonly string[]): Promise<TableCopy> {
    const client = await this.connect();
    client.on('error', (error) => this.fail(error));
    const copy = this.start(client, table, columns.join(', '));
    this.copies.set(table, copy);
    return copy;
  }

  private start(client: Client, table: string, columns: string): TableCopy {
    const stream = client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`));
    const done = finished(stream).catch((error: unknown) => this.fail(error));
    return { client, columns, stream, done, chars: 0 };
  }

  /** Writes a chunk, waiting only while the socket is full: PostgreSQL then has megabytes to parse. */
  private async send(table: string, open: TableCopy, chunk: string): Promise<TableCopy> {
    const copy = open.chars < this.statementChars ? open : await this.restart(table, open);
    if (!copy.stream.write(chunk) && copy.stream.writableNeedDrain)
      await Promise.race([once(copy.stream, 'drain'), copy.done]);
    this.throwIfFailed();
    copy.chars += chunk.length;
    return copy;
  }

  private async restart(table: string, copy: TableCopy): Promise<TableCopy> {
    copy.stream.end();
    await copy.done;
    this.throwIfFailed();
    const next = this.start(copy.client, table, copy.columns);
    this.copies.set(table, next);
    return next;
  }

  private fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private async close(): Promise<void> {
    const clients = [...this.copies.values()].map((c) => c.client);
    this.copies.clear();
    await Promise.allSettled(clients.map((c) => c.end()));
  }
}

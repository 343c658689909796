import { finished } from 'node:stream/promises';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** undefined (a field a stored state lacks) is NULL, as JSON.stringify makes it in an array. */
export type CopyValue = string | number | boolean | null | undefined;

const ESCAPED = /[\\\t\n\r]/;

/** One value in COPY's text format: \N for null, backslash escapes for the characters it gives meaning. */
export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  // a number or boolean never holds a character COPY gives meaning to
  if (typeof value !== 'string') return String(value);
  // most values (ids, JSON of plain text) have nothing to escape: skip four passes over them
  return ESCAPED.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

// Chunks well under V8's largest young-generation object (128 KiB): a larger string, flattened to be
// written, is allocated in the old generation, whose growth sets the process's peak RSS
const CHUNK_CHARS = 96 * 1024;

/** Where rows for bulk loading go. */
export interface CopySink {
  write(table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<void>;
}

interface TableCopy {
  client: Client;
  stream: ReturnType<typeof copyFrom>;
  done: Promise<void>;
}

/**
 * A COPY FROM STDIN (text format) kept open per table, each on a connection of its own, for loading
 * fresh tables nothing else reads or writes: one statement per table for the whole load, where one per
 * table per batch left both sides waiting on each other's round trips. Rows go to the socket as they
 * are made and PostgreSQL parses them while the caller makes the next ones. These statements last as
 * long as the load, so their connections have no statement timeout. Each commits when `end` ends it.
 * Writes are awaited one at a time.
 */
export class OpenCopies implements CopySink {
  private readonly copies = new Map<string, TableCopy>();
  private failure: Error | undefined;

  constructor(private readonly connect: () => Promise<Client>) {}

  /** Resolves when the rows are on their connection's socket (PostgreSQL may not have read them yet). */
  async write(
    table: string,
    columns: readonly string[],
    rows: Iterable<readonly CopyValue[]>,
  ): Promise<void> {
    this.throwIfFailed();
    const copy = this.copies.get(table) ?? (await this.open(table, columns));
    let chunk = '';
    for (const row of rows) {
      chunk += row.map(copyField).join('\t') + '\n';
      if (chunk.length >= CHUNK_CHARS) {
        await this.send(copy, chunk);
        chunk = '';
      }
    }
    if (chunk !== '') await this.send(copy, chunk);
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

  /** Fails every COPY still open (PostgreSQL discards its rows) and closes the connections. */
  async abort(reason: unknown): Promise<void> {
    for (const copy of this.copies.values())
      copy.stream.destroy(reason instanceof Error ? reason : new Error(String(reason)));
    await Promise.allSettled([...this.copies.values()].map((c) => c.done));
    await this.close();
  }

  private async open(table: string, columns: readonly string[]): Promise<TableCopy> {
    const client = await this.connect();
    client.on('error', (error) => this.fail(error));
    try {
      await client.query('SET statement_timeout = 0');
    } catch (error) {
      await client.end();
      throw error;
    }
    const stream = copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`);
    client.query(stream);
    // pg-copy-streams reports PostgreSQL's error without ending the stream: chunks still queued would
    // then be written to a connection it has let go of (an uncaught TypeError). Its error comes first.
    stream.on('error', (error) => {
      this.fail(error);
      stream.destroy();
    });
    const done = finished(stream).catch((error: unknown) => this.fail(error));
    const copy = { client, stream, done };
    this.copies.set(table, copy);
    return copy;
  }

  /** One chunk at a time: the next waits until the socket took this one (PostgreSQL then has megabytes). */
  private async send(copy: TableCopy, chunk: string): Promise<void> {
    const written = new Promise<void>((resolve, reject) =>
      copy.stream.write(chunk, (error) => (error ? reject(error) : resolve())),
    );
    await Promise.race([written, copy.done]).catch((error: unknown) => this.fail(error));
    this.throwIfFailed();
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

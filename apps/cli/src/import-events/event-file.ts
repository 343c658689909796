import { parse as parseCsv } from 'csv-parse';
import { eventDataSchemas, isEventType } from '@orgpulse/contracts';
import { createReadStream } from 'node:fs';
import { boundedLines } from './bounded-lines';

/** One line of the file: the event it holds, or what is wrong with it before §2's rules apply. */
export type FileEntry = { line: number; input: unknown } | { line: number; problem: string; path?: string };

export type FileFormat = 'ndjson' | 'csv';

/** NDJSON unless the name ends in .csv. */
export const formatOf = (file: string): FileFormat =>
  file.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson';

/** A line longer than this is refused unread as an event: the ingest API's body limit. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Streams the file's events one by one, with their line numbers: memory stays flat whatever its size. */
export function readEventFile(file: string, format: FileFormat): AsyncIterable<FileEntry> {
  return format === 'csv' ? readCsv(file) : readNdjson(file);
}

async function* readNdjson(file: string): AsyncIterable<FileEntry> {
  yield* readNdjsonStream(createReadStream(file));
}

/** NDJSON from a byte stream: a line past MAX_LINE_BYTES is refused as soon as it passes it, never held. */
export async function* readNdjsonStream(input: AsyncIterable<Buffer | string>): AsyncIterable<FileEntry> {
  let line = 0;
  for await (const entry of boundedLines(input, MAX_LINE_BYTES)) {
    line += 1;
    if ('tooLong' in entry) {
      yield { line, problem: `the line is longer than ${MAX_LINE_BYTES} bytes` };
      continue;
    }
    if (entry.text.trim() === '') continue;
    try {
      yield { line, input: JSON.parse(entry.text) as unknown };
    } catch (error) {
      yield { line, problem: `not valid JSON: ${(error as Error).message}` };
    }
  }
}

const ENVELOPE_COLUMNS = new Set(['id', 'type', 'occurredAt', 'source']);
const REQUIRED_COLUMNS = ['id', 'type', 'occurredAt'];

/** What is wrong with a CSV header, or undefined: `id,type,occurredAt[,source]` and `data.<field>` columns. */
export function csvHeaderProblem(columns: readonly string[]): string | undefined {
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) return `the header lacks ${missing.join(', ')}`;
  const unknown = columns.filter((c) => !ENVELOPE_COLUMNS.has(c) && !/^data\.[^.]+$/.test(c));
  if (unknown.length > 0)
    return `unknown columns ${unknown.join(', ')}; expected id, type, occurredAt, source and data.<field>`;
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (repeated.length > 0) return `repeated columns ${repeated.join(', ')}`;
  return undefined;
}

interface FieldSchema {
  type?: string | string[];
  items?: { type?: string; properties?: Record<string, FieldSchema> };
}

/** A list of `{ <text>, <integer> }` (a plan's competencies, a 1:1's ratings): its two keys, in that order. */
function pairKeys(schema: FieldSchema): [string, string] | undefined {
  const properties = Object.entries(schema.items?.properties ?? {});
  if (properties.length !== 2) return undefined;
  const [[text, textSchema], [integer, integerSchema]] = properties;
  return textSchema.type === 'string' && integerSchema.type === 'integer' ? [text, integer] : undefined;
}

/** `discovery=3; delivery=4` as `[{ <text>: 'discovery', <integer>: 3 }, ...]`; a malformed pair stays text. */
const pairsOf = (cell: string, [text, integer]: [string, string]): unknown[] =>
  cell.split(';').map((pair) => {
    const at = pair.lastIndexOf('=');
    const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    return at > 0 && /^-?\d+(\.\d+)?$/.test(value) ? { [text]: name, [integer]: Number(value) } : pair.trim();
  });

/**
 * A CSV cell as the event's data wants it, read from the type's schema: integers for integer fields,
 * `a;b` or a JSON array for lists (`name=3;other=4` for a list of competency levels), `null` for
 * nullable ids; text otherwise. An empty cell is no field.
 */
export function cellValue(type: string, field: string, cell: string): unknown {
  const schema = isEventType(type)
    ? ((eventDataSchemas[type] as { properties?: Record<string, FieldSchema> }).properties?.[field] ?? {})
    : {};
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('null') && cell === 'null') return null;
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(cell))
    return Number(cell);
  if (types.includes('array')) {
    if (cell.startsWith('[')) {
      try {
        return JSON.parse(cell) as unknown;
      } catch {
        return cell;
      }
    }
    const pairs = pairKeys(schema);
    return pairs ? pairsOf(cell, pairs) : cell.split(';').map((s) => s.trim());
  }
  return cell;
}

/** A CSV row as the native envelope (contract §9). */
export function csvRowToEnvelope(row: Readonly<Record<string, string>>): Record<string, unknown> {
  const envelope: Record<string, unknown> = {};
  const data: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(row)) {
    if (cell === '') continue;
    if (column.startsWith('data.'))
      data[column.slice('data.'.length)] = cellValue(row.type ?? '', column.slice(5), cell);
    else envelope[column] = cell;
  }
  return { ...envelope, data };
}

async function* readCsv(file: string): AsyncIterable<FileEntry> {
  const parser = createReadStream(file).pipe(
    parseCsv({
      columns: true,
      info: true,
      bom: true,
      relax_column_count: false,
      max_record_size: MAX_LINE_BYTES,
    }),
  );
  let header: string[] | undefined;
  try {
    for await (const record of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      if (header === undefined) {
        header = Object.keys(record.record);
        const problem = csvHeaderProblem(header);
        if (problem !== undefined) {
          yield { line: 1, problem };
          return;
        }
      }
      yield { line: record.info.lines, input: csvRowToEnvelope(record.record) };
    }
  } catch (error) {
    const { lines } = error as { lines?: number };
    yield { line: lines ?? 0, problem: `not valid CSV: ${(error as Error).message}` };
  }
}

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type AcceptedEvent, subjectOf } from '@orgpulse/contracts';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export const EVENT_STORE_COLUMNS =
  'org_id, event_id, type, version, subject, occurred_at, ingested_at, source, kafka_partition, kafka_offset, data';

const field = (value: string | number | null): string =>
  value === null
    ? '\\N'
    : String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

/** One event as a line of COPY's text format, in EVENT_STORE_COLUMNS order. */
export function eventStoreCopyLine(event: AcceptedEvent, partition: number, offset: number): string {
  return (
    [
      event.orgId,
      event.id,
      event.type,
      event.version,
      subjectOf(event),
      event.occurredAt,
      event.ingestedAt,
      event.source ?? null,
      partition,
      offset,
      JSON.stringify(event.data),
    ]
      .map(field)
      .join('\t') + '\n'
  );
}

/** Streams COPY text lines into `table` with COPY FROM STDIN, in chunks of 1,000 lines. */
export async function copyLines(client: Client, table: string, lines: Iterable<string>): Promise<void> {
  function* chunks() {
    const chunk: string[] = [];
    for (const line of lines) {
      chunk.push(line);
      if (chunk.length === 1000) yield chunk.splice(0).join('');
    }
    if (chunk.length > 0) yield chunk.join('');
  }
  await pipeline(
    Readable.from(chunks()),
    client.query(copyFrom(`COPY ${table} (${EVENT_STORE_COLUMNS}) FROM STDIN`)),
  );
}

/**
 * Events as rows of `table`, spread over six partitions as the events topic would; a stream is read as
 * COPY takes it, never held whole. Resolves to the number of rows.
 */
export async function copyEvents(
  client: Client,
  table: string,
  events: Iterable<AcceptedEvent>,
): Promise<number> {
  let count = 0;
  function* lines() {
    for (const event of events) {
      yield eventStoreCopyLine(event, count % 6, count);
      count += 1;
    }
  }
  await copyLines(client, table, lines());
  return count;
}

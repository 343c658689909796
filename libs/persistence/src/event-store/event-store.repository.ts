import { type AcceptedEvent, type EventType, identitySourceOf } from '@orgpulse/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { BatchRows, COPY_AT_LEAST, copyInto, copyText } from '../database/batch-rows';
import { columnNames } from '../database/json-rows';
import { type RowOf, col, rowShape, selectRows } from '../database/typed-sql';

export interface EventToAppend {
  event: AcceptedEvent;
  subject: string;
  partition: number;
  offset: string;
}

export interface StoredEvent {
  position: number;
  subject: string;
  event: AcceptedEvent;
  /** occurredAt in epoch milliseconds, when read so (saves parsing it again) */
  at?: number;
}

export interface AppendedEvent extends StoredEvent {
  partition: number;
}

const STORED_EVENT_ROW = rowShape('stored event', {
  position: col.text(),
  org_id: col.text(),
  event_id: col.text(),
  type: col.text(),
  version: col.int(),
  subject: col.text(),
  occurred_at: col.date(),
  ingested_at: col.date(),
  source: col.nullable(col.text()),
  data: col.json(),
});
/** An appended event's key and the position it drew. */
const APPENDED_EVENT_ROW = rowShape('appended event', {
  org_id: col.text(),
  identity_source: col.text(),
  event_id: col.text(),
  position: col.text(),
});
/** An event of a rebuild's page: its position and occurrence (epoch milliseconds) as float8. */
const PAGED_EVENT_ROW = rowShape('paged event', {
  position: col.float(),
  org_id: col.text(),
  event_id: col.text(),
  type: col.text(),
  subject: col.text(),
  data: col.json(),
  at: col.float(),
});

const toStored = (row: RowOf<typeof STORED_EVENT_ROW>): StoredEvent => ({
  position: Number(row.position),
  subject: row.subject,
  event: {
    id: row.event_id,
    type: row.type as EventType,
    version: 1,
    orgId: row.org_id,
    occurredAt: row.occurred_at.toISOString(),
    ingestedAt: row.ingested_at.toISOString(),
    ...(row.source === null ? {} : { source: row.source }),
    data: row.data as Record<string, unknown>,
  } as AcceptedEvent,
});

/**
 * An event of a rebuild's page: its occurrence as text only when asked (the folds read `at`; formatting a
 * million of them took about a tenth of the rebuild's CPU).
 */
class PagedEvent {
  readonly version = 1;
  readonly ingestedAt = '';

  constructor(
    readonly id: string,
    readonly type: EventType,
    readonly orgId: string,
    readonly data: Record<string, unknown>,
    private readonly at: number,
  ) {}

  get occurredAt(): string {
    return new Date(this.at).toISOString();
  }
}

const APPEND_COLUMNS = [
  ['org_id', 'uuid'],
  ['event_id', 'text'],
  ['type', 'text'],
  ['version', 'smallint'],
  ['subject', 'text'],
  ['occurred_at', 'timestamptz'],
  ['ingested_at', 'timestamptz'],
  ['source', 'text'],
  ['kafka_partition', 'int'],
  ['kafka_offset', 'bigint'],
  ['data', 'jsonb'],
  ['identity_source', 'text'],
  ['traceparent', 'text'],
  ['tracestate', 'text'],
] as const;

/** A batch COPYed ahead of the caller (EventStoreRepository.appendAhead). */
export interface AppendAhead {
  appended: AppendedEvent[];
  write(): Promise<void>;
}

/** A COPY ahead met an event the store held already: its transaction is lost and must start over. */
export class StoredAlreadyError extends Error {
  constructor(override readonly cause: Error) {
    super(`an event of the batch was stored already: ${cause.message}`);
    this.name = 'StoredAlreadyError';
  }
}

/**
 * An event's key in the store (contract §11): its org, the source its id is unique within, its id. The
 * lengths make it unambiguous at a fraction of JSON's cost (it is made for every event projected).
 */
const storeKey = (orgId: string, source: string, id: string): string =>
  `${orgId.length}:${orgId}${source.length}:${source}${id}`;
export const storeKeyOf = (event: AcceptedEvent): string =>
  storeKey(event.orgId, identitySourceOf(event), event.id);

/** The batch by store key, a repeat within it keeping its first occurrence. */
function keyed(batch: readonly EventToAppend[]): Map<string, EventToAppend> {
  const byKey = new Map<string, EventToAppend>();
  for (const e of batch) {
    const key = storeKeyOf(e.event);
    if (!byKey.has(key)) byKey.set(key, e);
  }
  return byKey;
}

const APPEND_ROWS = new BatchRows('event_store_batch', APPEND_COLUMNS);
const APPEND_SAVEPOINT = 'event_store_append';
/**
 * The sequence of event_store's identity column (PostgreSQL's name for it). Named, not looked up with
 * pg_get_serial_sequence in the statement: that is evaluated once per row drawn, 7 times the draw's cost.
 */
export const EVENT_STORE_POSITIONS = 'event_store_position_seq';
const DRAWN_POSITIONS_ROW = rowShape('drawn positions', { positions: col.text() });

const appendRow = (e: EventToAppend) => [
  e.event.orgId,
  e.event.id,
  e.event.type,
  e.event.version,
  e.subject,
  e.event.occurredAt,
  e.event.ingestedAt,
  e.event.source ?? null,
  e.partition,
  e.offset,
  JSON.stringify(e.event.data),
  identitySourceOf(e.event),
  e.event.traceparent ?? null,
  e.event.tracestate ?? null,
];

const appendedAt = (e: EventToAppend, position: number): AppendedEvent => ({
  position,
  subject: e.subject,
  event: e.event,
  partition: e.partition,
});

/**
 * The append-only event store: one statement per batch (see BatchRows), or one COPY for a large batch of new
 * events, deduplicated by (org, identity source, event id): a native event's id within its org, a
 * CloudEvent's source and id (contract §11).
 */
export class EventStoreRepository {
  /** Works on the pool or inside a transaction (a DataSource's or a transaction's manager). */
  constructor(private readonly db: EntityManager) {}

  /**
   * Appends the batch and returns only the events that were new, built from what was passed in: only
   * the positions come back from the database. `copy: false` skips trying COPY first (a batch known to
   * repeat stored events).
   */
  async append(batch: readonly EventToAppend[], { copy = true } = {}): Promise<AppendedEvent[]> {
    if (batch.length === 0) return [];
    const byKey = keyed(batch);
    const copied = copy && byKey.size === batch.length ? await this.appendByCopy(batch) : undefined;
    if (copied !== undefined) return copied;
    const { sql, params } = await APPEND_ROWS.statement(
      this.db,
      batch.map(appendRow),
      // read in the order given: a duplicate id within one batch inserts its first occurrence only
      (from) => `INSERT INTO event_store (${columnNames(APPEND_COLUMNS)})
                   SELECT ${columnNames(APPEND_COLUMNS)} FROM ${from}
                   ON CONFLICT (org_id, identity_source, event_id) DO NOTHING
                   RETURNING org_id, identity_source, event_id, position`,
    );
    const rows = await selectRows(this.db, APPENDED_EVENT_ROW, sql, params);
    return rows.map((row) => {
      const appended = byKey.get(storeKey(row.org_id, row.identity_source, row.event_id)) as EventToAppend;
      return appendedAt(appended, Number(row.position));
    });
  }

  /**
   * A large batch of distinct identities, to be COPYed into the store while the caller goes on in the
   * same transaction: the events as appended (positions drawn), and `write`, which sends the COPY (its
   * text made already) to the connection's line (statements asked for before it run first) and settles
   * when PostgreSQL has the rows.
   * When the store held one of them (a redelivery) `write` rejects with StoredAlreadyError and the
   * transaction is lost: its caller starts it over with `append`, which decides event by event.
   * Undefined where COPY is not worth it.
   */
  async appendAhead(batch: readonly EventToAppend[]): Promise<AppendAhead | undefined> {
    return keyed(batch).size === batch.length ? this.copyAhead(batch) : undefined;
  }

  /**
   * A large batch of distinct identities in a transaction, COPYed straight into the store with positions
   * drawn from its sequence first: PostgreSQL spends about a quarter less than on COPYing into a staging
   * table and inserting from it with ON CONFLICT. Undefined when the store holds one of them already (a
   * redelivery): the COPY is undone to its savepoint and the statement above decides, event by event.
   */
  private async appendByCopy(batch: readonly EventToAppend[]): Promise<AppendedEvent[] | undefined> {
    const ahead = await this.copyAhead(batch);
    if (ahead === undefined) return undefined;
    await this.db.query(`SAVEPOINT ${APPEND_SAVEPOINT}`);
    let copied = true;
    try {
      await ahead.write();
    } catch (error) {
      if (!(error instanceof StoredAlreadyError)) throw error;
      await this.db.query(`ROLLBACK TO SAVEPOINT ${APPEND_SAVEPOINT}`);
      copied = false;
    }
    // let go either way: the rest of the transaction does not run in a subtransaction
    await this.db.query(`RELEASE SAVEPOINT ${APPEND_SAVEPOINT}`);
    return copied ? ahead.appended : undefined;
  }

  /**
   * A batch (of distinct identities) as appendAhead gives it, where COPY is worth it: large enough, and
   * in a transaction, which a failed COPY undoes.
   */
  private async copyAhead(batch: readonly EventToAppend[]): Promise<AppendAhead | undefined> {
    const runner = this.db.queryRunner;
    if (batch.length < COPY_AT_LEAST || runner === undefined || !runner.isTransactionActive) return undefined;
    const drawn = await this.drawPositions(batch.length);
    // made now, so that the COPY's turn, whenever it comes, is only writes: the caller folds meanwhile
    const text = copyText(batch.map((e, i) => [drawn[i], ...appendRow(e)]));
    const write = async () => {
      try {
        await copyInto(runner, 'event_store', `position, ${columnNames(APPEND_COLUMNS)}`, text);
      } catch (error) {
        if ((error as { constraint?: string }).constraint !== 'event_store_identity') throw error;
        throw new StoredAlreadyError(error as Error);
      }
    };
    return { appended: batch.map((e, i) => appendedAt(e, Number(drawn[i]))), write };
  }

  private async drawPositions(count: number): Promise<string[]> {
    const [{ positions }] = await selectRows(
      this.db,
      DRAWN_POSITIONS_ROW,
      `SELECT array_to_string(array_agg(p ORDER BY p), ',') AS positions
         FROM (SELECT nextval('${EVENT_STORE_POSITIONS}') AS p
                 FROM generate_series(1, $1::int)) AS drawn`,
      [count],
    );
    return positions.split(',');
  }

  /** Every event of the given subjects (of any orgs), in (org, subject, occurrence) order. */
  async readHistories(subjects: readonly { orgId: string; subject: string }[]): Promise<StoredEvent[]> {
    if (subjects.length === 0) return [];
    const rows = await selectRows(
      this.db,
      STORED_EVENT_ROW,
      `SELECT e.position, e.org_id, e.event_id, e.type, e.version, e.subject, e.occurred_at, e.ingested_at,
              e.source, e.data
         FROM event_store e
         JOIN unnest($1::uuid[], $2::text[]) AS k(org_id, subject) ON e.org_id = k.org_id AND e.subject = k.subject
        ORDER BY e.org_id, e.subject, e.occurred_at, e.position`,
      [subjects.map((s) => s.orgId), subjects.map((s) => s.subject)],
    );
    return rows.map(toStored);
  }

  async readNewerThan(position: string): Promise<StoredEvent[]> {
    const rows = await selectRows(
      this.db,
      STORED_EVENT_ROW,
      `SELECT position, org_id, event_id, type, version, subject, occurred_at, ingested_at, source, data
         FROM event_store WHERE position > $1 ORDER BY position`,
      [position],
    );
    return rows.map(toStored);
  }
}

/**
 * The whole store up to `maxPosition` in (org, subject, occurrence) order, a page at a time: what a
 * rebuild folds (the columns the read models need, occurrence times as epoch milliseconds). One cursor in
 * a read-only transaction on a connection of its own (its snapshot holds back vacuum until the end);
 * `ahead` pages are asked for before they are wanted, so PostgreSQL reads on while the caller works
 * (keyset pages waited for each other's last row).
 */
export async function* storeInOrder(
  db: DataSource,
  maxPosition: string,
  pageSize: number,
  ahead = 2,
): AsyncGenerator<StoredEvent[]> {
  const runner = db.createQueryRunner();
  const fetch = () => {
    const page = selectRows(runner, PAGED_EVENT_ROW, `FETCH FORWARD ${pageSize} FROM store_in_order`);
    page.catch(() => undefined); // awaited in turn: a failure then is not an unhandled rejection now
    return page;
  };
  let queued: ReturnType<typeof fetch>[] = [];
  try {
    await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    // the caller may hold the session idle between pages for as long as its writes wait on PostgreSQL
    await runner.query('SET LOCAL idle_in_transaction_session_timeout = 0');
    // Qualified names in ORDER BY: the float8 output column "position" would shadow the stored one
    await runner.query(
      `DECLARE store_in_order NO SCROLL CURSOR FOR
       SELECT e.position::float8 AS position, e.org_id, e.event_id, e.type, e.subject, e.data,
              floor(extract(epoch FROM e.occurred_at) * 1000)::float8 AS at
         FROM event_store e
        WHERE e.position <= ${BigInt(maxPosition)}
        ORDER BY e.org_id, e.subject, e.occurred_at, e.position`,
    );
    queued = Array.from({ length: ahead }, fetch);
    for (;;) {
      const rows = await (queued.shift() as ReturnType<typeof fetch>);
      if (rows.length > 0) yield rows.map(toPaged);
      if (rows.length < pageSize) break;
      queued.push(fetch());
    }
  } finally {
    await Promise.allSettled(queued);
    await runner.query('ROLLBACK').catch(() => undefined);
    await runner.release();
  }
}

const toPaged = (r: RowOf<typeof PAGED_EVENT_ROW>): StoredEvent => ({
  position: r.position,
  subject: r.subject,
  at: r.at,
  event: new PagedEvent(
    r.event_id,
    r.type as EventType,
    r.org_id,
    r.data as Record<string, unknown>,
    r.at,
  ) as unknown as AcceptedEvent,
});

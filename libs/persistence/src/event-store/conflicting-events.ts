import { identitySourceOf } from '@orgpulse/contracts';
import { type Queryable, col, rowShape, selectRows } from '../database/typed-sql';
import type { AppendedEvent, EventToAppend } from './event-store.repository';

/** An event whose identity was stored before with other content: the first one stays (contract §11). */
export interface ConflictingEvent {
  orgId: string;
  eventId: string;
  /** The CloudEvent source its id is unique within; absent for a native event. */
  source?: string;
  partition: number;
  offset: string;
  /** The stored event's position, which keeps its identity. */
  storedPosition: number;
}

/** A repeat (its 1-based ordinal among the repeats, a bigint) that differs from the stored event. */
const CONFLICTING_REPEAT_ROW = rowShape('conflicting repeat', { i: col.text(), position: col.text() });

/** What a batch offered that the store already held (or took earlier in the same batch). */
export function notAppended(
  offered: readonly EventToAppend[],
  appended: readonly AppendedEvent[],
): EventToAppend[] {
  if (appended.length === offered.length) return []; // each appended one was offered: nothing else was
  const taken = new Set(appended.map((a) => a.event));
  return offered.filter((o) => !taken.has(o.event));
}

/**
 * Of the events a batch offered again under a stored identity, those whose type, occurredAt (as an
 * instant) or data differ from the stored event's. One statement, only over the repeats: a replay of
 * the same record is no conflict and costs nothing more than its lookup.
 */
export async function findConflictingEvents(
  db: Queryable,
  repeats: readonly EventToAppend[],
): Promise<ConflictingEvent[]> {
  if (repeats.length === 0) return [];
  const rows = await selectRows(
    db,
    CONFLICTING_REPEAT_ROW,
    `SELECT k.i, e.position
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[])
            WITH ORDINALITY AS k(org_id, identity_source, event_id, type, occurred_at, data, i)
       JOIN event_store e
         ON e.org_id = k.org_id AND e.identity_source = k.identity_source AND e.event_id = k.event_id
      WHERE e.type <> k.type OR e.occurred_at <> k.occurred_at OR e.data <> k.data
      ORDER BY k.i`,
    [
      repeats.map((r) => r.event.orgId),
      repeats.map((r) => identitySourceOf(r.event)),
      repeats.map((r) => r.event.id),
      repeats.map((r) => r.event.type),
      repeats.map((r) => r.event.occurredAt),
      repeats.map((r) => JSON.stringify(r.event.data)),
    ],
  );
  return rows.map(({ i, position }) => {
    const { event, partition, offset } = repeats[Number(i) - 1];
    const source = identitySourceOf(event);
    return {
      orgId: event.orgId,
      eventId: event.id,
      ...(source === '' ? {} : { source }),
      partition,
      offset,
      storedPosition: Number(position),
    };
  });
}

import { type SubjectKind, parseSubject } from '@orgpulse/contracts';
import { type AnyReadModel, READ_MODELS, byOccurrence, foldInto } from '@orgpulse/domain';
import type { EntityManager } from 'typeorm';
import { EventStoreRepository, type StoredEvent } from '../event-store/event-store.repository';
import { groupBy } from './group-by';
import { ReadModelStore, type SubjectRef, keyOf } from './read-model.store';

/** What the projector remembers of a subject between batches: its states and how far they go. */
export interface SubjectMemory {
  /** the highest event-store position folded: the memory is stale if the store holds a later one */
  lastPosition: number;
  states: ReadonlyMap<string, unknown>;
}

/** The tables of every registered read model (a rebuild fills `<table>_rebuild` beside each). */
export const READ_MODEL_TABLES: readonly string[] = READ_MODELS.map((m) => m.name);

/** A subject a transaction projected, with its states by read model before and after. */
export interface ProjectedSubject extends SubjectRef {
  subjectKind: SubjectKind;
  /** the earliest and latest occurrence among its new events */
  firstOccurredAt: string;
  lastOccurredAt: string;
  /** undefined where the engine did not read them (a subject re-folded from its history): as stored */
  before: ReadonlyMap<string, unknown> | undefined;
  after: ReadonlyMap<string, unknown>;
}

/** Told of every live batch's subjects in its transaction, before their states are written. */
export interface ProjectionObserver {
  projected(tx: EntityManager, subjects: readonly ProjectedSubject[]): Promise<void>;
}

interface Touched extends SubjectRef {
  kind: SubjectKind;
  key: string;
  models: readonly AnyReadModel[];
  events: StoredEvent[];
}

const inOccurrenceOrder = (a: StoredEvent, b: StoredEvent) =>
  byOccurrence(
    { occurredAt: a.event.occurredAt, position: a.position },
    { occurredAt: b.event.occurredAt, position: b.position },
  );

/**
 * Runs every declared read model, for live batches and for rebuilds alike. In-order events are folded
 * into the state stored (or remembered); a subject that got a late event, or has no row for a model yet,
 * is re-folded from its whole history in the store, so it reads as if every event had come in time.
 */
export class ProjectionEngine {
  readonly stores: ReadonlyMap<string, ReadModelStore>;
  private readonly eventStore = new EventStoreRepository();

  constructor(
    readonly models: readonly AnyReadModel[] = READ_MODELS,
    suffix = '',
    private readonly observer?: ProjectionObserver,
  ) {
    this.stores = new Map(models.map((m) => [m.name, new ReadModelStore(m, suffix)]));
  }

  get tables(): string[] {
    return [...this.stores.values()].map((s) => s.table);
  }

  /**
   * Brings the read models of the subjects the new events touched up to date, in a few statements
   * whatever the batch. Returns what to remember of each touched subject once the transaction commits.
   */
  async apply(
    tx: EntityManager,
    appended: readonly StoredEvent[],
    memory: ReadonlyMap<string, SubjectMemory> = new Map(),
  ): Promise<Map<string, SubjectMemory>> {
    const touched = this.touched(appended);
    if (touched.length === 0) return new Map();
    const refold: Touched[] = [];
    const from = new Map<string, Map<string, unknown>>();
    const firstNewPosition = Math.min(...appended.map((e) => e.position));
    const history = await this.historyOf(tx, touched, firstNewPosition);
    const toLoad: Touched[] = [];
    for (const subject of touched) {
      const h = history.get(subject.key);
      const remembered = memory.get(subject.key);
      if (h?.late) refold.push(subject);
      else if (h === undefined || h.lastPosition === null) from.set(subject.key, this.initialStates(subject));
      // remembered states count only if nothing was stored for the subject since (another partition, a rebuild)
      else if (remembered && remembered.lastPosition === h.lastPosition)
        from.set(subject.key, new Map(remembered.states));
      else toLoad.push(subject);
    }
    const loaded = await this.loadStates(tx, toLoad);
    for (const subject of toLoad) {
      const states = loaded.get(subject.key);
      if (states) from.set(subject.key, states);
      else refold.push(subject); // e.g. a read model added since: its row is built from the history
    }

    // copied for the observer before the fold moves them on
    const before = new Map(this.observer ? [...from].map(([key, states]) => [key, new Map(states)]) : []);
    const next = new Map<string, SubjectMemory>();
    for (const subject of touched) {
      const states = from.get(subject.key);
      if (!states) continue;
      next.set(subject.key, this.fold(subject, states));
    }
    if (refold.length > 0) {
      const histories = await this.eventStore.readHistories(
        tx,
        refold.map((s) => ({ orgId: s.orgId, subject: s.events[0].subject })),
      );
      for (const [key, states] of this.foldHistories(histories)) next.set(key, states);
    }
    await this.observer?.projected(tx, this.projected(touched, before, next));
    await this.write(tx, touched, next);
    return next;
  }

  /** Writes the read models of whole subject histories (a rebuild), ordered by org, subject and occurrence. */
  async writeHistories(tx: EntityManager, history: readonly StoredEvent[]): Promise<number> {
    const folded = this.foldHistories(history);
    await this.write(tx, this.touched(history), folded);
    return folded.size;
  }

  private foldHistories(history: readonly StoredEvent[]): Map<string, SubjectMemory> {
    const folded = new Map<string, SubjectMemory>();
    for (const subject of this.touched(history))
      folded.set(subject.key, this.fold(subject, this.initialStates(subject)));
    return folded;
  }

  private fold(subject: Touched, states: Map<string, unknown>): SubjectMemory {
    const events = subject.events.map((e) => e.event);
    for (const model of subject.models)
      states.set(model.name, foldInto(model, states.get(model.name), events));
    return {
      lastPosition: Math.max(...subject.events.map((e) => e.position)),
      states,
    };
  }

  private projected(
    touched: readonly Touched[],
    before: ReadonlyMap<string, ReadonlyMap<string, unknown>>,
    next: ReadonlyMap<string, SubjectMemory>,
  ): ProjectedSubject[] {
    return touched.flatMap((s) => {
      const after = next.get(s.key)?.states;
      if (!after) return [];
      const { orgId, subjectId, kind: subjectKind, events } = s;
      const [first, last] = [events[0].event.occurredAt, events[events.length - 1].event.occurredAt];
      return [
        {
          orgId,
          subjectId,
          subjectKind,
          firstOccurredAt: first,
          lastOccurredAt: last,
          before: before.get(s.key),
          after,
        },
      ];
    });
  }

  /** The subjects of these events that some read model follows, each with its events in occurrence order. */
  private touched(events: readonly StoredEvent[]): Touched[] {
    const touched: Touched[] = [];
    for (const [key, subjectEvents] of groupBy(events, (e) => keyOf(e.event.orgId, e.subject))) {
      const parsed = parseSubject(subjectEvents[0].subject);
      const models = parsed ? this.models.filter((m) => m.subjectKind === parsed.kind) : [];
      if (!parsed || models.length === 0) continue;
      touched.push({
        key,
        orgId: subjectEvents[0].event.orgId,
        subjectId: parsed.id,
        kind: parsed.kind,
        models,
        events: [...subjectEvents].sort(inOccurrenceOrder),
      });
    }
    return touched;
  }

  private initialStates(subject: Touched): Map<string, unknown> {
    return new Map(subject.models.map((m) => [m.name, m.initial(subject.subjectId)]));
  }

  /**
   * For each subject: the highest position stored before this batch (null: none), and whether one of
   * those events occurs after the subject's first new one (it is then late).
   */
  private async historyOf(
    tx: EntityManager,
    subjects: readonly Touched[],
    firstNewPosition: number,
  ): Promise<Map<string, { lastPosition: number | null; late: boolean }>> {
    const rows: { org_id: string; subject: string; last_position: string | null; late: boolean }[] =
      await tx.query(
        `SELECT n.org_id, n.subject,
              (SELECT max(o.position) FROM event_store o
                WHERE o.org_id = n.org_id AND o.subject = n.subject AND o.position < $4) AS last_position,
              EXISTS (SELECT 1 FROM event_store o
                       WHERE o.org_id = n.org_id AND o.subject = n.subject AND o.position < $4
                         AND o.occurred_at > n.first_at) AS late
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS n(org_id, subject, first_at)`,
        [
          subjects.map((s) => s.orgId),
          subjects.map((s) => s.events[0].subject),
          subjects.map((s) => s.events[0].event.occurredAt),
          firstNewPosition,
        ],
      );
    return new Map(
      rows.map((r) => [
        keyOf(r.org_id, r.subject),
        { lastPosition: r.last_position === null ? null : Number(r.last_position), late: r.late },
      ]),
    );
  }

  /** The stored states of these subjects, only where every one of their models has a row. */
  private async loadStates(
    tx: EntityManager,
    subjects: readonly Touched[],
  ): Promise<Map<string, Map<string, unknown>>> {
    const found = new Map<string, Map<string, unknown>>();
    if (subjects.length === 0) return found;
    const byModel = new Map<string, Map<string, unknown>>();
    for (const [name, store] of this.stores) {
      const wanted = subjects.filter((s) => s.models.some((m) => m.name === name));
      if (wanted.length > 0) byModel.set(name, await store.load(tx, wanted));
    }
    for (const subject of subjects) {
      const states = new Map<string, unknown>();
      for (const model of subject.models) {
        const key = keyOf(subject.orgId, subject.subjectId);
        const state = byModel.get(model.name)?.get(key);
        if (state !== undefined) states.set(model.name, state);
      }
      if (states.size === subject.models.length) found.set(subject.key, states);
    }
    return found;
  }

  private async write(
    tx: EntityManager,
    touched: readonly Touched[],
    states: ReadonlyMap<string, SubjectMemory>,
  ): Promise<void> {
    for (const [name, store] of this.stores) {
      const rows = touched.flatMap((s) => {
        const state = states.get(s.key)?.states.get(name);
        return state === undefined ? [] : [{ orgId: s.orgId, subjectId: s.subjectId, state }];
      });
      await store.upsert(tx, rows);
    }
  }
}

import type { AcceptedEvent, SubjectKind } from '@orgpulse/contracts';

/** An event as a read model keeps it: when it happened, its arrival (ties), and what the model needs of it. */
export interface Fact<Data> {
  at: number;
  position: number;
  data: Data;
}

/** Occurrence order, ties by arrival (contract §3). */
export const byFactOrder = (a: Fact<unknown>, b: Fact<unknown>): number =>
  a.at - b.at || a.position - b.position;

/**
 * Per-day sums over an org, kept by difference as facts arrive: what org-wide figures add up. Each fact
 * adds to its own day only (a quantity that lasts, such as time blocked, is kept as the change points of
 * its level), so a fact costs the same whatever the time since the one before it.
 */
export interface DayTotals<Head, Data> {
  /** One integer column per name (exact: bigint in memory, numeric in the store). */
  readonly columns: readonly string[];
  /** What `facts` (in order, the first one after `start`) add to each UTC day, keyed by the day's first millisecond. */
  of(start: Head, facts: readonly Fact<Data>[]): Map<number, bigint[]>;
}

/**
 * A read model, declared once: the subjects it follows, the fixed-size head a subject starts from, what it
 * keeps of each event (a fact) and how a fact moves the head. One engine runs every declaration for live
 * batches and rebuilds and derives its storage from it: `<name>_head` (the head as of the latest fact),
 * with `history` `<name>_weeks` (each ISO week's facts with the head the week starts from, a busy week in
 * rows of bounded size: the past at any time, and the only part a late event re-folds), with `links` `<name>_links`, with `totals`
 * `<name>_day_totals`. Writing one event costs the same whatever the subject's history.
 */
export interface ReadModel<Head, Data> {
  readonly name: string;
  /** Moves whenever `fact`, `evolve` or the head's shape changes: projectors rebuild another version. */
  readonly version: number;
  readonly subjectKind: SubjectKind;
  initial(subjectId: string): Head;
  /** What the model keeps of an event about its subject; undefined: nothing. */
  fact(event: AcceptedEvent): Data | undefined;
  /** Moves the head by one fact, in occurrence order. */
  evolve(head: Head, fact: Fact<Data>): Head;
  /**
   * Moves the head by several facts (in occurrence order) at once, where `evolve` would copy a head that
   * grows with each fact; must equal folding `evolve` over them and leave the given head as it was. Folds
   * use it when it is declared.
   */
  evolveAll?(head: Head, facts: readonly Fact<Data>[]): Head;
  /** Head values kept in columns of their own, for queries that filter on them. */
  readonly columns?: Readonly<Record<string, (head: Head) => string | null>>;
  /** Keep the facts in weekly buckets: the subject at any past time, and bounded re-folds of late events. */
  readonly history?: boolean;
  /** Other subjects' ids a fact names, kept as (link, subject) pairs: e.g. every manager a person had. */
  readonly links?: (data: Data) => readonly string[];
  /**
   * With `history`: booleans kept beside each week (`<name>` columns, indexed where true) that say whether
   * the time the week covers has some property; true once any fact or the start head makes them so.
   */
  readonly weekFlags?: Readonly<Record<string, (start: Head, facts: readonly Fact<Data>[]) => boolean>>;
  readonly totals?: DayTotals<Head, Data>;
}

/** A declaration as the engine sees it: heads and facts are opaque JSON. */
export type AnyReadModel = ReadModel<unknown, unknown>;

export const declareReadModel = <Head, Data>(model: ReadModel<Head, Data>): AnyReadModel =>
  model as unknown as AnyReadModel;

/** Folds facts (in order) into a head with the model's own fold. */
export function foldFacts<Head, Data>(
  model: Pick<ReadModel<Head, Data>, 'evolve' | 'evolveAll'>,
  head: Head,
  facts: readonly Fact<Data>[],
): Head {
  if (model.evolveAll) return facts.length === 0 ? head : model.evolveAll(head, facts);
  let next = head;
  for (const fact of facts) next = model.evolve(next, fact);
  return next;
}

/** The facts a model keeps of events (in occurrence order, with their store positions). */
export function factsOf<Data>(
  model: Pick<ReadModel<unknown, Data>, 'fact'>,
  events: readonly { event: AcceptedEvent; position: number; at?: number }[],
): Fact<Data>[] {
  const facts: Fact<Data>[] = [];
  for (const { event, position, at } of events) {
    const data = model.fact(event);
    if (data !== undefined) facts.push({ at: at ?? Date.parse(event.occurredAt), position, data });
  }
  return facts;
}

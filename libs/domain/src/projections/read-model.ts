import type { AcceptedEvent, SubjectKind } from '@orgpulse/contracts';

/**
 * A read model, declared once: which subjects it follows, the state a subject starts from, and how each
 * event (in occurrence order, ties by arrival) moves it. One engine runs every declaration, for live
 * batches and for rebuilds, and stores each in a table of its own name (plus one migration).
 */
export interface ReadModel<State> {
  readonly name: string;
  /** Moves whenever `evolve` or the state's shape changes: projectors rebuild tables of another version. */
  readonly version: number;
  readonly subjectKind: SubjectKind;
  initial(subjectId: string): State;
  evolve(state: State, event: AcceptedEvent): State;
  /** Folds a run of in-order events; declare it where copying the state once per run pays. */
  evolveAll?(state: State, events: readonly AcceptedEvent[]): State;
  /** Values kept beside the state in their own columns, for queries that filter on them. */
  readonly columns?: Readonly<Record<string, (state: State) => string | null>>;
}

/** A declaration as the engine sees it: its state is opaque JSON. */
export type AnyReadModel = ReadModel<unknown>;

export const declareReadModel = <State>(model: ReadModel<State>): AnyReadModel => model as AnyReadModel;

/** Folds in-order events into a state with the model's own fold. */
export function foldInto(model: AnyReadModel, state: unknown, events: readonly AcceptedEvent[]): unknown {
  if (model.evolveAll) return model.evolveAll(state, events);
  let next = state;
  for (const event of events) next = model.evolve(next, event);
  return next;
}

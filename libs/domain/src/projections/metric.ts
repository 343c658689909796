import type { EventType } from '@orgpulse/contracts';
import { type AnyReadModel, type ReadModel, declareReadModel } from './read-model';

/** An event as the property test sends it: a type and its data, about one subject. */
export interface ExampleEvent {
  type: EventType;
  data: Record<string, unknown>;
}

/**
 * A metric in one folder (`metrics/<name>/<name>.metric.ts`, found by `npm run docs`): the read model it
 * keeps, declared once (its tables follow from the declaration), with its figures as functions beside it.
 * Its head must not accumulate per fact (no running count or sum): each week stores the head it starts
 * from, and a late fact re-folds the weeks after it until one starts from an unchanged head, so a head
 * every fact moves makes a late fact rewrite the subject's whole later history. The property test checks it.
 */
export interface Metric {
  readonly readModel: AnyReadModel;
  /**
   * The n-th example of an event the read model keeps, about `subjectId`: the property test folds many
   * of them, late and tied, live and rebuilt, and compares the stored model with a plain fold.
   */
  readonly example: (subjectId: string, n: number) => ExampleEvent;
}

export const declareMetric = <Head, Data>(metric: {
  readModel: ReadModel<Head, Data>;
  example: (subjectId: string, n: number) => ExampleEvent;
}): Metric => ({ readModel: declareReadModel(metric.readModel), example: metric.example });

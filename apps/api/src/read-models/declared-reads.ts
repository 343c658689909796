import { type AnyReadModel, type Fact, type Window, inWindow } from '@orgpulse/domain';
import { type Queryable, ReadModelReader } from '@orgpulse/persistence';
import DataLoader from 'dataloader';

// subjects per statement: a long list asked for (aliases of team lists) is read in slices of this size
const SUBJECTS_PER_READ = 500;

/**
 * Reads of any declared read model for one request, always in its org: what a metric folder's fields read.
 * The subjects asked for one model and window are read in one statement, never more weeks than the window.
 */
export class DeclaredReads {
  private readonly loaders = new Map<string, DataLoader<string, Fact<unknown>[]>>();

  constructor(
    private readonly db: Queryable,
    private readonly orgId: string,
    private readonly batchScheduleFn?: (dispatch: () => void) => void,
  ) {}

  /** A subject's facts that occurred in the window, in occurrence order. */
  factsWithin<Data>(model: AnyReadModel, subjectId: string, window: Window): Promise<Fact<Data>[]> {
    if (!model.history) throw new Error(`${model.name} keeps no history: no facts over a window`);
    const key = `${model.name}\u0000${window.from}\u0000${window.to}`;
    let loader = this.loaders.get(key);
    if (loader === undefined) {
      const reader = new ReadModelReader<unknown, unknown>(this.db, model);
      loader = new DataLoader(
        async (ids) => {
          const weeks = await reader.weeksFrom(this.orgId, ids, window.from, window.to);
          return ids.map((id) =>
            (weeks.get(id) ?? []).flatMap((w) => w.facts.filter((f) => inWindow(f.at, window))),
          );
        },
        { batchScheduleFn: this.batchScheduleFn, maxBatchSize: SUBJECTS_PER_READ },
      );
      this.loaders.set(key, loader);
    }
    return loader.load(subjectId) as Promise<Fact<Data>[]>;
  }
}

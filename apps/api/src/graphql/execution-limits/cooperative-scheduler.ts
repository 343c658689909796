/** How long synchronous GraphQL work may hold the event loop before /health and other requests get a turn. */
export const SLICE_MS = 20;
// reading the clock on every call would cost more than the calls between two readings
const CALLS_PER_CLOCK_READING = 16;

/**
 * Runs the resolvers of every executing query in slices of at most `sliceMs`: past that, further
 * work waits in one FIFO queue and runs after the event loop has turned (timers, I/O: a /health
 * request, another tenant's request). graphql-js calls resolvers synchronously for a whole list, so
 * without this one query over thousands of entries holds the process until it is done.
 */
export class CooperativeScheduler {
  /** When the running slice started; undefined between slices. */
  private sliceStart: number | undefined;
  private calls = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly sliceMs = SLICE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Runs `work` now if the slice has time left, else later (its result then comes as a promise). */
  run<T>(work: () => T): T | Promise<T> {
    if (this.queue.length === 0 && this.hasTimeLeft()) return work();
    // a thrown value (a GraphQLError, mostly) reaches graphql-js as it was thrown
    return new Promise<T>((resolve) => this.queue.push(() => resolve(new Promise<T>((ran) => ran(work())))));
  }

  /** Pieces of work waiting for a slice. */
  get waiting(): number {
    return this.queue.length;
  }

  private hasTimeLeft(): boolean {
    if (this.sliceStart === undefined) {
      this.startSlice();
      return true;
    }
    if (++this.calls % CALLS_PER_CLOCK_READING !== 0) return true;
    return this.now() - this.sliceStart < this.sliceMs;
  }

  private startSlice(): void {
    this.sliceStart = this.now();
    this.calls = 0;
    // the check phase comes after the poll phase: when it runs, waiting I/O has had its turn
    setImmediate(this.nextSlice);
  }

  private readonly nextSlice = (): void => {
    this.sliceStart = undefined;
    if (this.queue.length === 0) return;
    this.startSlice();
    const start = this.sliceStart ?? 0;
    do this.queue.shift()?.();
    while (this.queue.length > 0 && this.now() - start < this.sliceMs);
  };
}

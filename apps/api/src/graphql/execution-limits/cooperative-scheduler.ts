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
  /** The running slice's time is up: everything waits for the next one. */
  private spent = false;
  private readonly queue: { run: () => void; owner: object | undefined }[] = [];
  private head = 0;
  /** Pieces of work waiting, per owner (a request). */
  private readonly owned = new Map<object, number>();
  private draining = false;

  constructor(
    private readonly sliceMs = SLICE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Runs `work` now if the slice has time left, else later (its result then comes as a promise). */
  run<T>(work: () => T): T | Promise<T> {
    return this.ready() ? work() : this.later(work);
  }

  /**
   * Whether work may run now: the slice has time left. Work that waits is not put first: what runs
   * now is mostly the continuation of what just ran (the fields of a list entry), and finishing it
   * first keeps what waits small, instead of queueing every field of every entry.
   */
  ready(): boolean {
    return this.hasTimeLeft();
  }

  /** Runs `work` in a later slice; `owner` (a request) can ask how much of its work still waits. */
  later<T>(work: () => T, owner?: object): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.push(() => {
        try {
          resolve(work());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }, owner),
    );
  }

  /**
   * Runs a piece of long work (milliseconds, a page of teams folded) now if the slice has time left,
   * the clock read first, else in a later slice. The piece runs inside the slice that measures it: many
   * requests' pieces together take one slice per turn of the event loop, not one piece each.
   */
  piece<T>(work: () => T, owner?: object): Promise<T> {
    if (this.hasTimeLeft() && this.now() - (this.sliceStart ?? 0) < this.sliceMs) {
      try {
        return Promise.resolve(work());
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    this.spent = true;
    return this.later(work, owner);
  }

  /** `value` now if the slice has time left, else a promise of it in a later slice. */
  defer<T>(value: T, owner?: object): T | Promise<T> {
    if (this.ready()) return value;
    return new Promise<T>((resolve) => this.push(() => resolve(value), owner));
  }

  /** Pieces of work waiting for a slice. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Pieces of this owner's work waiting for a slice. */
  waitingFor(owner: object): number {
    return this.owned.get(owner) ?? 0;
  }

  private push(run: () => void, owner: object | undefined): void {
    this.queue.push({ run, owner });
    if (owner !== undefined) this.owned.set(owner, (this.owned.get(owner) ?? 0) + 1);
  }

  private take(): () => void {
    const { run, owner } = this.queue[this.head];
    this.head++;
    if (owner !== undefined) {
      const left = (this.owned.get(owner) ?? 1) - 1;
      if (left === 0) this.owned.delete(owner);
      else this.owned.set(owner, left);
    }
    return run;
  }

  private hasTimeLeft(): boolean {
    if (this.sliceStart === undefined) {
      this.sliceStart = this.now();
      this.calls = 0;
      this.spent = false;
      // the check phase comes after the poll phase: when it runs, waiting I/O has had its turn
      setImmediate(this.nextSlice);
      return true;
    }
    if (this.spent) return false;
    if (++this.calls % CALLS_PER_CLOCK_READING !== 0) return true;
    this.spent = this.now() - this.sliceStart >= this.sliceMs;
    return !this.spent;
  }

  private readonly nextSlice = (): void => {
    if (this.draining) return;
    if (this.waiting === 0) {
      this.sliceStart = undefined;
      return;
    }
    void this.drain();
  };

  /**
   * Runs waiting work for one slice, letting what each piece resolves (graphql-js completing a
   * field or a list entry) run before the next one, so the slice measures all of it.
   */
  private async drain(): Promise<void> {
    this.draining = true;
    const start = this.now();
    this.sliceStart = start;
    this.calls = 0;
    this.spent = false;
    try {
      while (this.waiting > 0 && !this.spent && this.now() - start < this.sliceMs) {
        this.take()();
        // what the work resolved (graphql-js completing it) runs before the clock is read again
        await Promise.resolve();
      }
    } finally {
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.draining = false;
      this.spent = true;
      setImmediate(this.nextSlice);
    }
  }
}

import type { ExecutionBudget } from './execution-budget';

/**
 * Admits executions by their cost (fields they may resolve, hence the memory their answers hold):
 * at most `capacity` at once, the others wait their turn in arrival order until their deadline.
 * A query alone may always run (its cost counts as at most the capacity).
 */
export class InflightWork {
  private used = 0;
  private readonly waiting: { units: number; admit: () => void }[] = [];

  constructor(readonly capacity: number) {}

  get inUse(): number {
    return this.used;
  }

  /** Resolves with the release function once admitted; rejects with the budget's deadline cut. */
  admit(cost: number, budget: ExecutionBudget): Promise<() => void> {
    const units = Math.min(Math.max(1, Math.ceil(cost)), this.capacity);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.used -= units;
      this.admitWaiting();
    };
    if (this.waiting.length === 0 && this.used + units <= this.capacity) {
      this.used += units;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const entry = {
        units,
        admit: () => {
          clearTimeout(timer);
          this.used += units;
          resolve(release);
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        this.admitWaiting();
        reject(budget.cutAtDeadline());
      }, budget.remainingMs);
      this.waiting.push(entry);
    });
  }

  private admitWaiting(): void {
    while (this.waiting.length > 0 && this.used + this.waiting[0].units <= this.capacity)
      this.waiting.shift()?.admit();
  }
}

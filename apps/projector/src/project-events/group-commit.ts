interface Waiting<I, O> {
  item: I;
  resolve: (outcome: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the items submitted together (the partitions of one fetch, handled concurrently) and those that
 * arrive while a commit is in flight into one commit: one transaction for many partitions. A failed commit
 * fails each of its items, and each then decides alone what to do.
 */
export class GroupCommit<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private draining = false;

  constructor(
    private readonly commit: (items: I[]) => Promise<O[]>,
    private readonly maxItems = 64,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      // a turn of the event loop lets the other partitions of the same fetch join this commit
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.maxItems);
      try {
        const outcomes = await this.commit(group.map((w) => w.item));
        group.forEach((w, i) => w.resolve(outcomes[i]));
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    this.draining = false;
  }
}

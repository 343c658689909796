/** Progress on stderr while a file is read: lines, rate and, when the total is known, the ETA. */
export class ImportProgress {
  private readonly started = Date.now();
  private lastReport = this.started;

  constructor(
    private readonly phase: string,
    private readonly report: (message: string) => void,
    private readonly total?: number,
    private readonly everyMs = 1_000,
  ) {}

  at(count: number): void {
    const now = Date.now();
    if (now - this.lastReport < this.everyMs) return;
    this.lastReport = now;
    this.report(this.describe(count, now));
  }

  done(count: number): void {
    this.report(`${this.describe(count, Date.now())}, done`);
  }

  private describe(count: number, now: number): string {
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = Math.round(count / seconds);
    const eta =
      this.total !== undefined && rate > 0 && count < this.total
        ? `, ETA ${Math.ceil((this.total - count) / rate)} s`
        : '';
    const of = this.total !== undefined ? ` of ${this.total}` : '';
    return `events import: ${this.phase} ${count}${of} ${this.phase === 'validating' ? 'lines' : 'events'}, ${rate}/s${eta}`;
  }
}

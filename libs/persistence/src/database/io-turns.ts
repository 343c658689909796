import { setImmediate as nextTurn } from 'node:timers/promises';

/** How long work may run in one go before it lets the event loop in. */
export const TURN_MS = 3;

/**
 * Time slices for long synchronous work in a transaction (folding thousands of subjects): node-postgres
 * sends a connection's next statement only once the event loop has read the last one's answer, so a
 * fold that runs on for a hundred milliseconds leaves PostgreSQL idle behind it. Work asks `due` as it
 * goes and, while it is, awaits `take()`. Every piece of work sharing the turns waits for the same turn of
 * the loop, and one slice follows it for them all: a slice each would hold the loop for all of theirs.
 * (The API's CooperativeScheduler does the same for GraphQL execution; libraries cannot import an app's.)
 */
export class IoTurns {
  private until: number;
  private turn: Promise<void> | undefined;

  constructor(private readonly sliceMs = TURN_MS) {
    this.until = performance.now() + sliceMs;
  }

  get due(): boolean {
    return performance.now() >= this.until;
  }

  take(): Promise<void> {
    this.turn ??= nextTurn().then(() => {
      this.turn = undefined;
      this.until = performance.now() + this.sliceMs;
    });
    return this.turn;
  }
}

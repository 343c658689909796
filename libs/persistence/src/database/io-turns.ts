import { setImmediate as nextTurn } from 'node:timers/promises';

/** How long work may run in one go before it lets the event loop in. */
export const TURN_MS = 3;

/**
 * Time slices for long synchronous work in a transaction (folding thousands of subjects): node-postgres
 * sends a connection's next statement only once the event loop has read the last one's answer, so a
 * fold that runs on for a hundred milliseconds leaves PostgreSQL idle behind it. Work asks `due` as it
 * goes and, when it is, awaits `take()`: answers read meanwhile let the line send what it holds.
 */
export class IoTurns {
  private until: number;

  constructor(private readonly sliceMs = TURN_MS) {
    this.until = performance.now() + sliceMs;
  }

  get due(): boolean {
    return performance.now() >= this.until;
  }

  async take(): Promise<void> {
    await nextTurn();
    this.until = performance.now() + this.sliceMs;
  }
}

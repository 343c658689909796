/** The server clock (contract §4 `now`), injected so metrics stay pure and testable. */
export abstract class Clock {
  abstract now(): number;
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}

/**
 * Time as a dependency. Domain code never reads the wall clock: it is handed a Clock, so that expiry,
 * challenge TTLs and CRL schedules can be tested with a fixed one.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved; for tests and for `--now` on the command line. */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

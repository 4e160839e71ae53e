/**
 * Simulated clocks. Simulators stamp payloads with simulated time, which may run faster than the wall
 * clock (a time scale of 60 makes one real second one simulated minute).
 */

/** Source of simulated time. */
export interface Clock {
  /** Current simulated time, integer milliseconds since the epoch. */
  nowMs(): number;
}

/**
 * Clock that starts at `start_ms` and advances `time_scale` times faster than the wall clock.
 * With time scale 1 and the default start it reads like `Date.now()`.
 */
export class ScaledClock implements Clock {
  private readonly real_start_ms: number;

  constructor(
    /** Simulated seconds per real second. Default 1. */
    readonly time_scale = 1,
    /** Simulated time at construction, integer ms since the epoch. Default: the wall clock. */
    private readonly start_ms = Date.now(),
    private readonly realNow: () => number = Date.now,
  ) {
    if (!(time_scale > 0) || !Number.isFinite(time_scale)) {
      throw new RangeError(`time_scale ${time_scale} is invalid: use a finite number greater than 0`);
    }
    this.real_start_ms = realNow();
  }

  nowMs(): number {
    return this.start_ms + Math.round((this.realNow() - this.real_start_ms) * this.time_scale);
  }
}

/** Clock that moves only on `advance`, for tests and offline runs. */
export class ManualClock implements Clock {
  constructor(private now_ms: number) {}

  nowMs(): number {
    return this.now_ms;
  }

  /** Moves the clock forward by `ms` milliseconds (rounded to an integer). */
  advance(ms: number): void {
    this.now_ms += Math.round(ms);
  }
}

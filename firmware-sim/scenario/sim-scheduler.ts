import type { Clock } from '../physics/clock.js';

/** One action due at a simulated instant. */
interface Entry {
  time_ms: number;
  order: number;
  run: () => void;
}

/**
 * Runs actions at simulated instants, `time_scale` times faster than the wall clock. Its `clock` reads
 * the simulated time of the action being run (or the last one run), not the wall clock. So devices that
 * read it stamp exact, repeatable instants, and models stepped to it take the same sub-steps in every
 * run. Actions due at the same instant run in the order they were scheduled.
 */
export class SimScheduler {
  readonly clock: Clock;
  private readonly queue: Entry[] = [];
  private now_ms: number;
  private order = 0;
  private real_start_ms = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    readonly start_ms: number,
    readonly time_scale: number,
  ) {
    if (!(time_scale > 0) || !Number.isFinite(time_scale)) {
      throw new RangeError(`time_scale ${time_scale} is invalid: use a finite number greater than 0`);
    }
    this.now_ms = start_ms;
    this.clock = { nowMs: () => this.now_ms };
  }

  /** Schedules `run` at simulated `time_ms` (rounded to the whole second). */
  at(time_ms: number, run: () => void): void {
    const entry = { time_ms: Math.round(time_ms / 1000) * 1000, order: this.order++, run };
    const index = this.queue.findIndex((e) => e.time_ms > entry.time_ms);
    if (index === -1) this.queue.push(entry);
    else this.queue.splice(index, 0, entry);
    if (this.running && index === 0) this.arm();
  }

  /** Schedules `run` every `interval_ms` of simulated time from `first_ms` until `end_ms` (inclusive). */
  every(first_ms: number, interval_ms: number, end_ms: number, run: (time_ms: number) => void): void {
    const fire = (time_ms: number) => {
      run(time_ms);
      const next_ms = time_ms + interval_ms;
      if (next_ms <= end_ms) this.at(next_ms, () => fire(next_ms));
    };
    this.at(first_ms, () => fire(first_ms));
  }

  /**
   * Returns the simulated time now, running smoothly with the wall clock (the `clock` instead steps from
   * action to action). Before `start` it is `start_ms`.
   */
  simNowMs(): number {
    if (!this.running && this.real_start_ms === 0) return this.start_ms;
    return this.start_ms + Math.round((Date.now() - this.real_start_ms) * this.time_scale);
  }

  /** Returns the wall-clock time at which simulated `time_ms` falls, ms since the epoch. */
  realTimeOf(time_ms: number): number {
    return this.real_start_ms + (time_ms - this.start_ms) / this.time_scale;
  }

  /** Starts running actions as their time comes; simulated `start_ms` is now. */
  start(): void {
    this.real_start_ms = Date.now();
    this.running = true;
    this.arm();
  }

  /** Stops; actions not yet due never run. */
  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    clearTimeout(this.timer);
    const next = this.queue[0];
    if (!this.running || next === undefined) return;
    const delay_ms = Math.max(0, this.realTimeOf(next.time_ms) - Date.now());
    this.timer = setTimeout(() => this.runDue(), delay_ms);
  }

  private runDue(): void {
    const real_now_ms = Date.now();
    while (this.running && this.queue.length > 0 && this.realTimeOf(this.queue[0]!.time_ms) <= real_now_ms + 1) {
      const entry = this.queue.shift()!;
      this.now_ms = entry.time_ms;
      entry.run();
    }
    this.arm();
  }
}

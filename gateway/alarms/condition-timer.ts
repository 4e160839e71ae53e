/**
 * On-delay timer of an alarm condition, counted on reading timestamps. Convention: each reading's value
 * applies until the next reading, so the time between two readings counts as beyond the limit when the earlier
 * reading was beyond it.
 */

/** Serialisable timer state; it is stored so that a restart keeps the time already counted. */
export interface ConditionTimer {
  /** Time of the first reading of the current unbroken run beyond the limit, ms; null when not beyond. */
  since_ms: number | null;
  /** Intervals [start, end] beyond the limit inside the cumulative window, ms. */
  intervals: Array<[number, number]>;
  /** Time of the previous reading and whether it was beyond the limit. */
  last_ms: number | null;
  last_beyond: boolean;
}

export function newConditionTimer(): ConditionTimer {
  return { since_ms: null, intervals: [], last_ms: null, last_beyond: false };
}

/** Forgets all time counted, as after a suppression or a data gap. */
export function resetConditionTimer(timer: ConditionTimer): void {
  timer.since_ms = null;
  timer.intervals = [];
  timer.last_ms = null;
  timer.last_beyond = false;
}

/**
 * Advances the timer to the reading at `time_ms` and returns the time counted beyond the limit, ms:
 * the unbroken run for `consecutive`, or the total inside the last `window_ms` for `cumulative`. It
 * returns 0 whenever the current reading is not beyond the limit, so an alarm never raises on a reading
 * that is inside it.
 */
export function advanceConditionTimer(
  timer: ConditionTimer,
  beyond: boolean,
  time_ms: number,
  mode: 'consecutive' | 'cumulative',
  window_ms: number,
): number {
  if (timer.last_ms !== null && timer.last_beyond && time_ms > timer.last_ms) {
    timer.intervals.push([timer.last_ms, time_ms]);
  }
  timer.intervals = timer.intervals.filter(([, end]) => end > time_ms - window_ms);
  timer.last_ms = time_ms;
  timer.last_beyond = beyond;
  if (!beyond) {
    timer.since_ms = null;
    return 0;
  }
  timer.since_ms ??= time_ms;
  if (mode === 'consecutive') return time_ms - timer.since_ms;
  const windowStart = time_ms - window_ms;
  let total = 0;
  for (const [start, end] of timer.intervals) total += end - Math.max(start, windowStart);
  return total;
}

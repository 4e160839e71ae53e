/**
 * Rate-of-rise rule: the least-squares slope of the temperature over a sliding window. A failed
 * compressor shows as a steady rise long before the temperature reaches a threshold.
 *
 * Each device of an asset has its own window, because two probes that read apart would make one window
 * fit a steep slope through both. The asset's condition is the steepest current slope of its devices.
 */
import { isDeviceValueCurrent } from './device-values.js';
import type { RateRule } from './rule-schemas.js';
import type { RuleChange } from './threshold-rule.js';

/** Share of the window the readings must span before a slope is trusted. */
const MIN_WINDOW_COVERAGE = 0.8;

/**
 * Number of equal slices of the window that bounds the readings one device keeps. A reading less than
 * one slice after the reading before the newest replaces the newest, so the part of the arrays inside the
 * window contains at most about twice this many readings however fast a device reports.
 */
const WINDOW_SLICES = 512;

/**
 * Readings of one device, oldest first, with the least-squares sums of those inside the window. Times and
 * values are parallel arrays, so a reading adds no object. Readings that left the window stay before
 * `start` until the oldest reading inside it is more than one window length after `origin_ms`. The
 * arrays are then compacted and the sums recomputed, which keeps the rounding of the running sums from
 * growing and the arrays at most about two windows long.
 */
export interface RateWindow {
  /** Device id, or '' for readings without a `device` tag. */
  device: string;
  /** Reading times, ms. */
  times_ms: number[];
  /** Temperatures at those times, °C. */
  values_c: number[];
  /** Index of the oldest reading inside the window. */
  start: number;
  /** Time origin of the sums, ms. The sums take times in minutes after it. */
  origin_ms: number;
  /** Sums over the readings inside the window of t, v, t² and t·v, with t in minutes and v in °C. */
  sum_t: number;
  sum_v: number;
  sum_tt: number;
  sum_tv: number;
  /** Time of the device's newest reading, ms. */
  last_ms: number;
  /** Time between the device's last two readings, ms, or null after its first. */
  interval_ms: number | null;
  /** Slope of the window, °C per minute, or null while the readings do not cover the window. */
  slope_c_per_min: number | null;
}

/** Serialisable state of the rate rule on one asset. */
export interface RateState {
  /**
   * Window of each device of the asset. An asset has few devices, so a list scanned by device id is
   * cheap, and unlike a keyed object it is iterated without building a list of its keys.
   */
  windows: RateWindow[];
  active: boolean;
  /** Time the slope first exceeded the rate in the current run, ms. */
  over_since_ms: number | null;
  clear_since_ms: number | null;
  /** Steepest current slope among the devices, °C per minute, or null when no device's window is covered. */
  slope_c_per_min: number | null;
}

export function newRateState(): RateState {
  return { windows: [], active: false, over_since_ms: null, clear_since_ms: null, slope_c_per_min: null };
}

/** Rate state as older versions saved it, with one window of `[time_ms, value_c]` points for the asset. */
type SavedRateState = RateState & { points?: unknown };

/**
 * Fills in the fields that rate states saved by older versions lack. Their single window mixed the
 * devices, so it is dropped, and each device fills its own window again. An active alarm stays active
 * until a covered window shows the slope below the clear level.
 */
export function restoreRateState(saved: SavedRateState): RateState {
  saved.windows ??= [];
  delete saved.points;
  return saved;
}

/** Returns the window of `device`, or undefined when it has none. */
export function rateWindowOf(state: RateState, device: string): RateWindow | undefined {
  const windows = state.windows;
  for (let index = 0; index < windows.length; index++) {
    const window = windows[index];
    if (window?.device === device) return window;
  }
  return undefined;
}

/** Forgets every device's window, as after a suppression or a data gap. */
export function resetRateWindows(state: RateState): void {
  state.windows.length = 0;
  state.slope_c_per_min = null;
}

function newRateWindow(device: string, time_ms: number): RateWindow {
  return {
    device,
    times_ms: [],
    values_c: [],
    start: 0,
    origin_ms: time_ms,
    sum_t: 0,
    sum_v: 0,
    sum_tt: 0,
    sum_tv: 0,
    last_ms: time_ms,
    interval_ms: null,
    slope_c_per_min: null,
  };
}

/** Empties the window of a device that was silent too long, in place, so that it starts again at `time_ms`. */
function restartWindow(window: RateWindow, time_ms: number): void {
  window.times_ms.length = 0;
  window.values_c.length = 0;
  window.start = 0;
  window.origin_ms = time_ms;
  window.sum_t = 0;
  window.sum_v = 0;
  window.sum_tt = 0;
  window.sum_tv = 0;
  window.last_ms = time_ms;
  window.interval_ms = null;
  window.slope_c_per_min = null;
}

/** Adds one reading to the sums with `sign` 1, or takes it out with `sign` -1. */
function addToSums(window: RateWindow, time_ms: number, value: number, sign: 1 | -1): void {
  const t = (time_ms - window.origin_ms) / 60_000;
  window.sum_t += sign * t;
  window.sum_v += sign * value;
  window.sum_tt += sign * t * t;
  window.sum_tv += sign * t * value;
}

/** Takes the readings older than `oldest_ms` out of the window. */
function dropExpired(window: RateWindow, oldest_ms: number): void {
  const times = window.times_ms;
  while (window.start < times.length) {
    const time_ms = times[window.start] ?? oldest_ms;
    if (time_ms >= oldest_ms) break;
    addToSums(window, time_ms, window.values_c[window.start] ?? 0, -1);
    window.start++;
  }
}

/**
 * Moves the readings inside the window to the front of the arrays, in place, and recomputes the sums
 * from the oldest of them as the new origin.
 */
function compact(window: RateWindow): void {
  const { times_ms: times, values_c: values, start } = window;
  times.copyWithin(0, start);
  times.length -= start;
  values.copyWithin(0, start);
  values.length -= start;
  window.start = 0;
  window.origin_ms = times[0] ?? window.last_ms;
  window.sum_t = 0;
  window.sum_v = 0;
  window.sum_tt = 0;
  window.sum_tv = 0;
  for (let index = 0; index < times.length; index++) {
    addToSums(window, times[index] ?? window.origin_ms, values[index] ?? 0, 1);
  }
}

/** Computes the least-squares slope of the readings inside the window, °C per minute, or null with fewer than 3. */
function windowSlope(window: RateWindow): number | null {
  const count = window.times_ms.length - window.start;
  if (count < 3) return null;
  const covariance = window.sum_tv - (window.sum_t * window.sum_v) / count;
  const variance = window.sum_tt - (window.sum_t * window.sum_t) / count;
  return variance > 0 ? covariance / variance : null;
}

/**
 * Adds one reading to its device's window and updates the device's slope. A device silent for longer
 * than `max_gap_ms` starts a new window. Returns false for a reading older than the device's newest,
 * which the window ignores.
 */
function recordRateReading(
  state: RateState,
  device: string,
  value: number,
  time_ms: number,
  window_ms: number,
  max_gap_ms: number,
): boolean {
  let window = rateWindowOf(state, device);
  if (window !== undefined && time_ms < window.last_ms) return false;
  if (window === undefined) {
    window = newRateWindow(device, time_ms);
    state.windows.push(window);
  } else if (time_ms - window.last_ms > max_gap_ms) {
    restartWindow(window, time_ms);
  } else if (time_ms > window.last_ms) {
    window.interval_ms = time_ms - window.last_ms;
    window.last_ms = time_ms;
  }

  const times = window.times_ms;
  const values = window.values_c;
  const newest = times.length - 1;
  const beforeNewest = newest - 1 >= window.start ? times[newest - 1] : undefined;
  if (beforeNewest !== undefined && time_ms - beforeNewest < window_ms / WINDOW_SLICES) {
    addToSums(window, times[newest] ?? time_ms, values[newest] ?? value, -1);
    times[newest] = time_ms;
    values[newest] = value;
  } else {
    times.push(time_ms);
    values.push(value);
  }
  addToSums(window, time_ms, value, 1);
  dropExpired(window, time_ms - window_ms);
  const oldest_ms = times[window.start] ?? time_ms;
  if (oldest_ms - window.origin_ms > window_ms) compact(window);

  const span_ms = time_ms - oldest_ms;
  window.slope_c_per_min = span_ms >= MIN_WINDOW_COVERAGE * window_ms ? windowSlope(window) : null;
  return true;
}

/**
 * Returns the steepest slope among the windows that are current at `time_ms`: the window of `device`,
 * which has just reported, and those of the other devices by `isDeviceValueCurrent`. Drops the window of
 * a device silent for longer than `max_gap_ms`.
 */
function steepestSlope(state: RateState, device: string, time_ms: number, max_gap_ms: number): number | null {
  const windows = state.windows;
  let steepest: number | null = null;
  // Backwards, so that a dropped window can take the last one's place, which was already visited.
  for (let index = windows.length - 1; index >= 0; index--) {
    const window = windows[index];
    if (window === undefined) continue;
    if (window.device !== device) {
      const age_ms = time_ms - window.last_ms;
      if (age_ms > max_gap_ms) {
        windows[index] = windows[windows.length - 1] as RateWindow;
        windows.pop();
        continue;
      }
      if (!isDeviceValueCurrent(age_ms, window.interval_ms, max_gap_ms)) continue;
    }
    const slope = window.slope_c_per_min;
    if (slope !== null && (steepest === null || slope > steepest)) steepest = slope;
  }
  return steepest;
}

/**
 * Advances the rule with one reading of `device` and returns whether the asset's alarm raises or
 * clears. The condition is the steepest current slope among the asset's devices, so a cooler probe
 * cannot hide a rise, and the alarm clears once no current window rises. While suppressed (defrost,
 * open door) every window is emptied, so the rise they cause never counts once they end.
 */
export function evaluateRateRule(
  state: RateState,
  rule: RateRule,
  device: string,
  value: number,
  time_ms: number,
  suppressed: boolean,
  max_gap_ms: number,
): RuleChange {
  if (suppressed) {
    resetRateWindows(state);
    state.over_since_ms = null;
    return null;
  }
  if (!recordRateReading(state, device, value, time_ms, rule.window_s * 1000, max_gap_ms)) return null;
  const slope = steepestSlope(state, device, time_ms, max_gap_ms);
  state.slope_c_per_min = slope;
  if (slope === null) return null;

  if (!state.active) {
    if (slope < rule.rate_c_per_min) {
      state.over_since_ms = null;
      return null;
    }
    state.over_since_ms ??= time_ms;
    if (time_ms - state.over_since_ms < rule.on_delay_s * 1000) return null;
    state.active = true;
    state.clear_since_ms = null;
    return 'raise';
  }
  if (slope > rule.rate_c_per_min - rule.clear_margin_c_per_min) {
    state.clear_since_ms = null;
    return null;
  }
  state.clear_since_ms ??= time_ms;
  if (time_ms - state.clear_since_ms < rule.clear_delay_s * 1000) return null;
  state.active = false;
  state.over_since_ms = null;
  state.clear_since_ms = null;
  return 'clear';
}

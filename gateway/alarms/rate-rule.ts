/**
 * Rate-of-rise rule: the least-squares slope of the temperature over a sliding window. A failed
 * compressor shows as a steady rise long before the temperature reaches a threshold.
 */
import type { RateRule } from './rule-schemas.js';
import type { RuleChange } from './threshold-rule.js';

/** Share of the window the readings must span before a slope is trusted. */
const MIN_WINDOW_COVERAGE = 0.8;

/** Serialisable state of the rate rule on one asset. */
export interface RateState {
  /** Readings inside the window, [time_ms, value_c], oldest first. */
  points: Array<[number, number]>;
  active: boolean;
  /** Time the slope first exceeded the rate in the current run, ms. */
  over_since_ms: number | null;
  clear_since_ms: number | null;
  /** Last slope computed, °C per minute, or null when the window is not covered yet. */
  slope_c_per_min: number | null;
}

export function newRateState(): RateState {
  return { points: [], active: false, over_since_ms: null, clear_since_ms: null, slope_c_per_min: null };
}

/** Computes the least-squares slope of the points, °C per minute, or null with fewer than 3 points. */
export function slopePerMinute(points: ReadonlyArray<[number, number]>): number | null {
  if (points.length < 3) return null;
  const first = points[0]?.[0] ?? 0;
  let sumT = 0;
  let sumV = 0;
  for (const [time, value] of points) {
    sumT += (time - first) / 60_000;
    sumV += value;
  }
  const meanT = sumT / points.length;
  const meanV = sumV / points.length;
  let covariance = 0;
  let variance = 0;
  for (const [time, value] of points) {
    const dt = (time - first) / 60_000 - meanT;
    covariance += dt * (value - meanV);
    variance += dt * dt;
  }
  return variance > 0 ? covariance / variance : null;
}

/**
 * Advances the rule with one reading and returns whether the alarm raises or clears. While suppressed
 * (defrost, open door) the window is emptied, so the rise they cause never counts once they end.
 */
export function evaluateRateRule(
  state: RateState,
  rule: RateRule,
  value: number,
  time_ms: number,
  suppressed: boolean,
): RuleChange {
  const window_ms = rule.window_s * 1000;
  if (suppressed) {
    state.points = [];
    state.over_since_ms = null;
    state.slope_c_per_min = null;
    return null;
  }
  state.points.push([time_ms, value]);
  state.points = state.points.filter(([time]) => time >= time_ms - window_ms);
  const span_ms = time_ms - (state.points[0]?.[0] ?? time_ms);
  const slope = span_ms >= MIN_WINDOW_COVERAGE * window_ms ? slopePerMinute(state.points) : null;
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

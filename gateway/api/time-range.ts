import { MAX_WINDOW_DAYS, MAX_WINDOW_MS } from '../reports/report-window.js';
import { ApiError } from './errors.js';
import { MAX_POINTS, MAX_TIME_MS, MIN_POINTS } from './schemas.js';

export interface TimeRangeQuery {
  from_ms?: number;
  to_ms?: number;
  max_points?: number;
}

export interface TimeRange {
  from_ms: number;
  to_ms: number;
  max_points: number;
}

const DAY_MS = 86_400_000;

/** Throws `API_VALIDATION_FAILED` naming `name` unless `value` is absent or an integer in [min, max]. */
function checkInteger(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || (Number.isSafeInteger(value) && value >= min && value <= max)) return;
  const message = `must be a finite integer, at least ${min} and at most ${max}; got ${value}`;
  throw new ApiError('API_VALIDATION_FAILED', `invalid request: query.${name} ${message}`, [
    { field: `query.${name}`, message },
  ]);
}

/**
 * Fills in the defaults (the last 24 h, 500 points) and rejects reversed or too long ranges. The route
 * schemas bound each parameter already, and this repeats the check for callers without a schema, so
 * Infinity or NaN never reaches a query.
 */
export function resolveTimeRange(query: TimeRangeQuery, now: number = Date.now()): TimeRange {
  checkInteger('from_ms', query.from_ms, 0, MAX_TIME_MS);
  checkInteger('to_ms', query.to_ms, 0, MAX_TIME_MS);
  checkInteger('max_points', query.max_points, MIN_POINTS, MAX_POINTS);
  const to_ms = query.to_ms ?? now;
  const from_ms = query.from_ms ?? to_ms - DAY_MS;
  if (from_ms > to_ms) {
    throw new ApiError('API_RANGE_INVALID', `from_ms ${from_ms} is after to_ms ${to_ms}; swap them`);
  }
  if (to_ms - from_ms > MAX_WINDOW_MS) {
    throw new ApiError(
      'API_RANGE_INVALID',
      `range of ${to_ms - from_ms} ms is longer than ${MAX_WINDOW_MS} ms (${MAX_WINDOW_DAYS} days); shorten it`,
    );
  }
  return { from_ms, to_ms, max_points: query.max_points ?? 500 };
}

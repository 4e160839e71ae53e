import { ApiError } from './errors.js';

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
/** Longest range one request may cover, in milliseconds (400 days). */
export const MAX_RANGE_MS = 400 * DAY_MS;

/** Fills in the defaults (the last 24 h, 500 points) and rejects reversed or too long ranges. */
export function resolveTimeRange(query: TimeRangeQuery, now: number = Date.now()): TimeRange {
  const to_ms = query.to_ms ?? now;
  const from_ms = query.from_ms ?? to_ms - DAY_MS;
  if (from_ms > to_ms) {
    throw new ApiError('API_RANGE_INVALID', `from_ms ${from_ms} is after to_ms ${to_ms}; swap them`);
  }
  if (to_ms - from_ms > MAX_RANGE_MS) {
    throw new ApiError(
      'API_RANGE_INVALID',
      `range of ${to_ms - from_ms} ms is longer than ${MAX_RANGE_MS} ms (400 days); shorten it`,
    );
  }
  return { from_ms, to_ms, max_points: query.max_points ?? 500 };
}

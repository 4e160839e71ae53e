/**
 * Reads a field's history and decides between raw points and buckets: a range with at most `max_points`
 * points per series comes back raw, a longer one as min/mean/max buckets of a round width.
 */
import { ApiError } from '../errors.js';
import type { TimeRange } from '../time-range.js';
import { bucketWidthMs } from './bucketing.js';
import type { Bucket, HistoryRequest, HistorySource, RawPoint, Series } from './history-source.js';
import { HistoryQueryError } from './influx-history.js';

export type HistoryResult =
  | { bucket_ms: null; series: Array<Series<RawPoint>> }
  | { bucket_ms: number; series: Array<Series<Bucket>> };

/** Runs a history query and turns a failed database query into `API_UPSTREAM_FAILED`. */
export async function upstream<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof HistoryQueryError) throw new ApiError('API_UPSTREAM_FAILED', error.message);
    throw error;
  }
}

export async function readHistory(
  source: HistorySource,
  request: Omit<HistoryRequest, 'from_ms' | 'to_ms'>,
  range: TimeRange,
): Promise<HistoryResult> {
  const full: HistoryRequest = { ...request, from_ms: range.from_ms, to_ms: range.to_ms };
  const raw = await upstream(() => source.raw(full, range.max_points + 1));
  if (raw.every((series) => series.points.length <= range.max_points)) return { bucket_ms: null, series: raw };
  const bucket_ms = bucketWidthMs(range.from_ms, range.to_ms, range.max_points);
  return { bucket_ms, series: await upstream(() => source.buckets(full, bucket_ms)) };
}

/** Returns the result as buckets; a raw numeric point becomes a bucket of one value. */
export function asBuckets(result: HistoryResult): Array<Series<Bucket>> {
  if (result.bucket_ms !== null) return result.series;
  return result.series.map(({ tags, points }) => ({
    tags,
    points: points
      .filter((point): point is { time_ms: number; value: number } => typeof point.value === 'number')
      .map(({ time_ms, value }) => ({ time_ms, min: value, mean: value, max: value, count: 1 })),
  }));
}

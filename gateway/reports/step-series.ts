/**
 * A reading series as time segments, the one weighting every report statistic uses. Convention: each
 * reading's value applies from its own time until the next reading (sample and hold). The last reading
 * applies until the window end when one is given, else for the median interval of the series, so that n
 * equally spaced readings get n equal weights. An interval longer than `max_gap_ms` counts as a gap: the
 * reading before it applies for the median interval only, and the rest is reported missing.
 */

export interface SeriesPoint {
  time_ms: number;
  value: number;
}

export interface Segment {
  start_ms: number;
  end_ms: number;
  value: number;
}

export interface Gap {
  start_ms: number;
  end_ms: number;
}

export interface StepSeries {
  segments: Segment[];
  gaps: Gap[];
  /** Median interval between readings, ms (0 with fewer than two readings). */
  interval_ms: number;
  /** Maximum interval that is not a gap, ms. */
  max_gap_ms: number;
}

export interface StepOptions {
  /** Window start; readings before it are dropped, and a late first reading leaves a gap, ms. */
  from_ms?: number;
  /** Window end; readings after it are dropped, ms. */
  to_ms?: number;
  /** Maximum interval that is not a gap, ms. Default: three times the median interval. */
  max_gap_ms?: number;
}

/** Returns the median of the intervals between sorted times, ms, or 0 with fewer than two times. */
export function medianInterval(times: readonly number[]): number {
  const intervals: number[] = [];
  for (let index = 1; index < times.length; index++) intervals.push((times[index] ?? 0) - (times[index - 1] ?? 0));
  if (intervals.length === 0) return 0;
  intervals.sort((left, right) => left - right);
  const middle = Math.floor(intervals.length / 2);
  return intervals.length % 2 === 1
    ? (intervals[middle] ?? 0)
    : ((intervals[middle - 1] ?? 0) + (intervals[middle] ?? 0)) / 2;
}

/** Splits the points (any order; duplicates of a time keep the last) into hold segments and gaps. */
export function toStepSeries(points: readonly SeriesPoint[], options: StepOptions = {}): StepSeries {
  const from = options.from_ms ?? Number.NEGATIVE_INFINITY;
  const to = options.to_ms ?? Number.POSITIVE_INFINITY;
  const byTime = new Map<number, number>();
  for (const point of points) {
    if (point.time_ms >= from && point.time_ms <= to && Number.isFinite(point.value))
      byTime.set(point.time_ms, point.value);
  }
  const sorted = [...byTime.entries()].sort(([left], [right]) => left - right);
  const interval_ms = medianInterval(sorted.map(([time]) => time));
  const max_gap_ms = options.max_gap_ms ?? 3 * interval_ms;
  const segments: Segment[] = [];
  const gaps: Gap[] = [];
  const first = sorted[0];
  if (first && Number.isFinite(from) && first[0] - from > max_gap_ms) gaps.push({ start_ms: from, end_ms: first[0] });

  sorted.forEach(([time_ms, value], index) => {
    const next = sorted[index + 1]?.[0] ?? (Number.isFinite(to) ? to : time_ms + interval_ms);
    const length = next - time_ms;
    if (length <= max_gap_ms) {
      if (length > 0) segments.push({ start_ms: time_ms, end_ms: next, value });
      return;
    }
    const held = Math.min(interval_ms, length);
    if (held > 0) segments.push({ start_ms: time_ms, end_ms: time_ms + held, value });
    gaps.push({ start_ms: time_ms + held, end_ms: next });
  });
  if (!first && Number.isFinite(from) && Number.isFinite(to) && to > from) gaps.push({ start_ms: from, end_ms: to });
  return { segments, gaps, interval_ms, max_gap_ms };
}

/** Returns the total length of the segments, ms. */
export function coveredMs(segments: readonly Segment[]): number {
  return segments.reduce((total, segment) => total + segment.end_ms - segment.start_ms, 0);
}

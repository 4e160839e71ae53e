import type { Bucket, RawPoint, Series } from './history-source.js';
import { tagKey } from './history-source.js';

/** Groups points that carry tags into one series per tag set, keeping their order. */
export function groupBySeries(
  points: ReadonlyArray<RawPoint & { tags: Record<string, string> }>,
): Array<Series<RawPoint>> {
  const groups = new Map<string, Series<RawPoint>>();
  for (const { tags, time_ms, value } of points) {
    const key = tagKey(tags);
    let group = groups.get(key);
    if (!group) {
      group = { tags, points: [] };
      groups.set(key, group);
    }
    group.points.push({ time_ms, value });
  }
  return [...groups.values()];
}

/** Aggregates the numeric points (oldest first) into epoch-aligned buckets; other values are skipped. */
export function bucketPoints(points: readonly RawPoint[], bucketMs: number): Bucket[] {
  const buckets: Bucket[] = [];
  let current: Bucket | undefined;
  let sum = 0;
  for (const { time_ms, value } of points) {
    if (typeof value !== 'number') continue;
    const start = Math.floor(time_ms / bucketMs) * bucketMs;
    if (!current || current.time_ms !== start) {
      if (current) current.mean = sum / current.count;
      current = { time_ms: start, min: value, mean: value, max: value, count: 0 };
      sum = 0;
      buckets.push(current);
    }
    current.min = Math.min(current.min, value);
    current.max = Math.max(current.max, value);
    current.count += 1;
    sum += value;
  }
  if (current) current.mean = sum / current.count;
  return buckets;
}

/** Bucket widths the API picks from, so bucket starts fall on round clock times. */
const NICE_BUCKETS_MS = [
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
  7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Returns the smallest round bucket width that splits the range into at most `maxBuckets` buckets. */
export function bucketWidthMs(fromMs: number, toMs: number, maxBuckets: number): number {
  const needed = Math.ceil((toMs - fromMs + 1) / maxBuckets);
  const nice = NICE_BUCKETS_MS.find((width) => width >= needed);
  return nice ?? Math.ceil(needed / 86_400_000) * 86_400_000;
}

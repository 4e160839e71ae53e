import type { RawPoint } from './history-source.js';

/** A time span during which a boolean field was true (a defrost, an open door). */
export interface Period {
  from_ms: number;
  to_ms: number;
}

/**
 * Turns samples of a boolean field (oldest first) into the spans where it was true. A span ends at the
 * first false sample; a span still open at the last sample ends at `endMs`.
 */
export function truePeriods(points: readonly RawPoint[], endMs: number): Period[] {
  const periods: Period[] = [];
  let start: number | undefined;
  for (const { time_ms, value } of points) {
    if (value === true && start === undefined) start = time_ms;
    if (value === false && start !== undefined) {
      periods.push({ from_ms: start, to_ms: time_ms });
      start = undefined;
    }
  }
  if (start !== undefined) periods.push({ from_ms: start, to_ms: endMs });
  return periods;
}

/** Merges overlapping spans of several series into one sorted list. */
export function mergePeriods(periods: readonly Period[]): Period[] {
  const sorted = [...periods].sort((left, right) => left.from_ms - right.from_ms);
  const merged: Period[] = [];
  for (const period of sorted) {
    const last = merged[merged.length - 1];
    if (last && period.from_ms <= last.to_ms) last.to_ms = Math.max(last.to_ms, period.to_ms);
    else merged.push({ ...period });
  }
  return merged;
}

/** Excursions and time beyond limits, computed on the hold segments of a series. */
import type { ThresholdRule } from '../alarms/rule-schemas.js';
import type { Segment } from './step-series.js';

export interface Limits {
  /** Storage range of the class, °C; null where there is no bound. */
  low_c: number | null;
  high_c: number | null;
}

/** A continuous stretch outside the storage range. */
export interface Excursion {
  direction: 'high' | 'low';
  start_ms: number;
  /** End of the last segment outside the range: the next reading's time, or the start of a gap. */
  end_ms: number;
  duration_ms: number;
  /** Worst value reached, °C. */
  peak_c: number;
}

function directionOf(limits: Limits, value: number): 'high' | 'low' | null {
  if (limits.high_c !== null && value > limits.high_c) return 'high';
  if (limits.low_c !== null && value < limits.low_c) return 'low';
  return null;
}

/** Returns true when the value lies outside the storage range. */
export function isOutOfRange(limits: Limits, value: number): boolean {
  return directionOf(limits, value) !== null;
}

/** Returns the total time the segments spend where `beyond` is true, ms. */
export function timeBeyond(segments: readonly Segment[], beyond: (value: number) => boolean): number {
  let total = 0;
  for (const segment of segments) if (beyond(segment.value)) total += segment.end_ms - segment.start_ms;
  return total;
}

/** Returns true when the value is beyond any threshold rule of the given rules. */
export function beyondAnyRule(rules: readonly Pick<ThresholdRule, 'direction' | 'threshold_c'>[], value: number) {
  return rules.some((rule) => (rule.direction === 'high' ? value > rule.threshold_c : value < rule.threshold_c));
}

/**
 * Lists the excursions outside the storage range. Adjacent segments on the same side merge into one
 * excursion. A gap in the data ends it, because nothing is known about the time without readings.
 */
export function findExcursions(segments: readonly Segment[], limits: Limits): Excursion[] {
  const excursions: Excursion[] = [];
  let current: Excursion | null = null;
  for (const segment of segments) {
    const direction = directionOf(limits, segment.value);
    const continues = current !== null && current.direction === direction && current.end_ms === segment.start_ms;
    if (current && !continues) {
      excursions.push(current);
      current = null;
    }
    if (direction === null) continue;
    if (current === null) {
      current = {
        direction,
        start_ms: segment.start_ms,
        end_ms: segment.end_ms,
        duration_ms: 0,
        peak_c: segment.value,
      };
    }
    current.end_ms = segment.end_ms;
    current.duration_ms = current.end_ms - current.start_ms;
    current.peak_c =
      direction === 'high' ? Math.max(current.peak_c, segment.value) : Math.min(current.peak_c, segment.value);
  }
  if (current) excursions.push(current);
  return excursions;
}

/** Returns the periods in which a boolean series is true (door open, defrost), by the same hold rule. */
export function truePeriods(points: ReadonlyArray<{ time_ms: number; value: boolean }>, end_ms: number) {
  const sorted = [...points].sort((left, right) => left.time_ms - right.time_ms);
  const periods: Array<{ start_ms: number; end_ms: number }> = [];
  let start: number | null = null;
  for (const point of sorted) {
    if (point.value && start === null) start = point.time_ms;
    if (!point.value && start !== null) {
      periods.push({ start_ms: start, end_ms: point.time_ms });
      start = null;
    }
  }
  if (start !== null) periods.push({ start_ms: start, end_ms });
  return periods;
}

/**
 * Returns the union of `periods`, sorted by start. Periods that overlap or touch become one, so an
 * asset's door counts as open while any of its devices reports it open.
 */
export function unionOfPeriods(periods: ReadonlyArray<{ start_ms: number; end_ms: number }>) {
  const sorted = [...periods].sort((left, right) => left.start_ms - right.start_ms);
  const union: Array<{ start_ms: number; end_ms: number }> = [];
  for (const period of sorted) {
    const last = union.at(-1);
    if (last !== undefined && period.start_ms <= last.end_ms) {
      last.end_ms = Math.max(last.end_ms, period.end_ms);
      continue;
    }
    union.push({ start_ms: period.start_ms, end_ms: period.end_ms });
  }
  return union;
}

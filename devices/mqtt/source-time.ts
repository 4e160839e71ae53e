/**
 * Reads the timestamp a device stamped on its payload: an ISO 8601 date-time with a zone, or an epoch
 * number (or numeric string) whose unit follows from its magnitude.
 */

/** ISO 8601 / RFC 3339 date-time. A zone (`Z` or `±hh:mm`) is required so that local time is never guessed. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|z|[+-]\d{2}:?\d{2})$/;

/**
 * Epoch values below this are seconds, at or above it milliseconds. 1e11 s is the year 5138 and
 * 1e11 ms is March 1973, so no plausible reading falls in the wrong unit.
 */
const EPOCH_MS_MIN = 1e11;
/** Epoch values at or above this are microseconds (1e14 ms is the year 5138). */
const EPOCH_US_MIN = 1e14;
/** Epoch values at or above this are nanoseconds. */
const EPOCH_NS_MIN = 1e17;

/** A timestamp in integer milliseconds, or why the value is not one. */
export type SourceTime = { ok: true; time_ms: number } | { ok: false; reason: string };

/** Converts an epoch number in s, ms, µs or ns (by magnitude) to integer milliseconds. */
export function epochToMs(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude >= EPOCH_NS_MIN) return Math.round(value / 1e6);
  if (magnitude >= EPOCH_US_MIN) return Math.round(value / 1e3);
  if (magnitude >= EPOCH_MS_MIN) return Math.round(value);
  return Math.round(value * 1000);
}

function fromText(text: string): SourceTime {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return fromNumber(Number(trimmed));
  if (!ISO_DATE_TIME.test(trimmed)) {
    return {
      ok: false,
      reason: `time ${JSON.stringify(text)} is not ISO 8601 with a zone (2026-12-04T15:00:00Z) or epoch seconds/ms`,
    };
  }
  const time = Date.parse(trimmed.replace(',', '.'));
  if (!Number.isFinite(time)) return { ok: false, reason: `time ${JSON.stringify(text)} is not a valid date` };
  return { ok: true, time_ms: time };
}

function fromNumber(value: number): SourceTime {
  if (!Number.isFinite(value) || value <= 0)
    return { ok: false, reason: `time ${value} is not a positive epoch value` };
  return { ok: true, time_ms: epochToMs(value) };
}

/** Parses a payload timestamp value into integer milliseconds since the epoch. */
export function parseSourceTime(value: unknown): SourceTime {
  if (typeof value === 'number') return fromNumber(value);
  if (typeof value === 'string') return fromText(value);
  return { ok: false, reason: `time ${JSON.stringify(value)} is neither a string nor a number` };
}

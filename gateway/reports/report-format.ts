/** Text formatting shared by the CSV and PDF reports: UTC times, durations and temperatures. */

/** Formats a time as `YYYY-MM-DD HH:MM:SS` UTC. */
export function formatUtc(time_ms: number): string {
  return new Date(time_ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** Formats a duration as `1 h 05 min 30 s`, leaving out leading zero units. */
export function formatDuration(ms: number): string {
  const total_s = Math.round(ms / 1000);
  const hours = Math.floor(total_s / 3600);
  const minutes = Math.floor((total_s % 3600) / 60);
  const seconds = total_s % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min ${String(seconds).padStart(2, '0')} s`;
  if (minutes > 0) return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
  return `${seconds} s`;
}

/** Decimal places of the temperatures in the CSV summary lines, the PDF text and the chart API's MKT. */
export const CELSIUS_DECIMALS = 2;

/** Rounds a finite temperature in °C to `CELSIUS_DECIMALS` decimals, with 0 in place of -0. */
export function roundCelsius(value: number): number {
  // toFixed keeps the sign of a negative value that rounds to zero, such as -0.001 to "-0.00".
  return Number(value.toFixed(CELSIUS_DECIMALS)) || 0;
}

/**
 * Formats a temperature in °C without the unit, rounded to `CELSIUS_DECIMALS` decimals, such as `3.47`.
 * Returns `n/a` for null, NaN and an infinite value.
 */
export function formatCelsiusValue(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  return roundCelsius(value).toFixed(CELSIUS_DECIMALS);
}

/** Formats a temperature as `formatCelsiusValue` does, followed by ` °C`, or `n/a`. */
export function formatCelsius(value: number | null): string {
  const text = formatCelsiusValue(value);
  return text === 'n/a' ? text : `${text} °C`;
}

/** Parses an ISO 8601 time (UTC when it names no offset) or integer milliseconds since the epoch. */
export function parseTime(text: string, option: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const time_ms = Date.parse(withZone);
  if (Number.isNaN(time_ms)) {
    throw new Error(
      `${option} ${text} is not a time: use ISO 8601 such as 2026-12-01T08:00:00Z, or epoch milliseconds`,
    );
  }
  return time_ms;
}

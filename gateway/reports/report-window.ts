/**
 * Bounds of a report window, shared by `coldpool report`, the report API and the chart and history API.
 * A window must end after its start and span at most `MAX_WINDOW_DAYS` days.
 */
import { formatUtc } from './report-format.js';

const DAY_MS = 86_400_000;

/**
 * Maximum span of one report, chart or history window, in days. A report keeps every reading of its
 * window in memory, so the bound also caps that memory: at one reading a minute, 400 days are 576 000
 * readings per device.
 */
export const MAX_WINDOW_DAYS = 400;

/** `MAX_WINDOW_DAYS` in milliseconds. */
export const MAX_WINDOW_MS = MAX_WINDOW_DAYS * DAY_MS;

/** Names of the window bounds as the caller's user typed them, such as `--from` and `--to`. */
export interface WindowLabels {
  from: string;
  to: string;
  /** Fix for a window over `MAX_WINDOW_DAYS`. Default: split the report into shorter windows. */
  split?: string;
  /** Formats a bound for the message. Default: `YYYY-MM-DD HH:MM:SS UTC`. */
  formatTime?: (time_ms: number) => string;
}

/** Formats a span in days with at most three decimals, such as `400.5`. */
function formatDays(span_ms: number): string {
  return String(Number((span_ms / DAY_MS).toFixed(3)));
}

/**
 * Returns the problem of the window [from_ms, to_ms] with both bounds, their names and the fix, or
 * undefined when the window ends after its start and spans at most `MAX_WINDOW_MS`.
 */
export function reportWindowProblem(from_ms: number, to_ms: number, labels: WindowLabels): string | undefined {
  const formatTime = labels.formatTime ?? ((time_ms: number) => `${formatUtc(time_ms)} UTC`);
  const from = `${labels.from} ${formatTime(from_ms)}`;
  const to = `${labels.to} ${formatTime(to_ms)}`;
  if (to_ms === from_ms) {
    return `report window is empty: ${from} equals ${to}; the end must be later than the start, so pass a ${labels.to} later than ${labels.from}`;
  }
  if (to_ms < from_ms) {
    return `report window ends before it starts: ${to} is earlier than ${from}; swap ${labels.from} and ${labels.to}`;
  }
  const span_ms = to_ms - from_ms;
  if (span_ms > MAX_WINDOW_MS) {
    const split = labels.split ?? `split the report into windows of at most ${MAX_WINDOW_DAYS} days`;
    return (
      `report window from ${from} to ${to} spans ${formatDays(span_ms)} days (${span_ms} ms), ` +
      `longer than the maximum of ${MAX_WINDOW_DAYS} days (${MAX_WINDOW_MS} ms); ${split}`
    );
  }
  return undefined;
}

/** Throws a RangeError with the message of `reportWindowProblem` when the window is empty, reversed or too long. */
export function checkReportWindow(from_ms: number, to_ms: number, labels: WindowLabels): void {
  const problem = reportWindowProblem(from_ms, to_ms, labels);
  if (problem !== undefined) throw new RangeError(problem);
}

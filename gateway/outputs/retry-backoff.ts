/** Capped exponential backoff with full jitter, for retrying writes to an unreachable server. */

/** Settings of `retryDelay`. */
export interface BackoffOptions {
  /** Upper bound of the first delay, in milliseconds. Default 500. */
  initial_ms?: number;
  /** Cap on every delay, in milliseconds. Default 30000. */
  max_ms?: number;
}

/**
 * Returns the wait before retry number `attempt` (1 for the first retry): a uniform random value in
 * [0, min(max_ms, initial_ms × 2^(attempt-1))]. Full jitter spreads the retries of many gateways that
 * lost the same server at the same moment.
 */
export function retryDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initial_ms ?? 500;
  const max = options.max_ms ?? 30_000;
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(max, initial * 2 ** exponent);
  return Math.round(random() * ceiling);
}

/** Reasons for a rejected `fetch` call, read from the error Node's undici attaches as `cause`. */

interface ErrorCause {
  code?: string;
  message?: string;
  errors?: ErrorCause[];
}

/** Returns true when `fetch` rejected because its `AbortSignal.timeout` signal fired. */
export function isFetchTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/**
 * Returns the network cause of a rejected `fetch`: the system error code, such as `ECONNREFUSED`, else
 * the cause's message. undici rejects with "fetch failed" and keeps the system error in `cause`.
 */
export function fetchFailureCause(error: unknown): string {
  const cause = (error as { cause?: ErrorCause } | undefined)?.cause;
  // An AggregateError (one error per address tried) without its own code reports its first error.
  const detail = cause?.code === undefined ? (cause?.errors?.[0] ?? cause) : cause;
  if (detail?.code !== undefined) return detail.code;
  if (detail?.message !== undefined && detail.message !== '') return detail.message;
  return error instanceof Error ? error.message : String(error);
}

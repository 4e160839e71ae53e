/**
 * Shared bounds of the fuzz targets. Every target calls its parser through `expectTypedOutcome`, which
 * fails the property when the parser throws anything but an Error with a string `code`, or when one call
 * takes longer than `FUZZ_MAX_CALL_MS`.
 *
 * Longer runs (vitest's 5 s test timeout must grow with the time limit):
 *   COLDPOOL_FUZZ_RUNS=1000000 COLDPOOL_FUZZ_TIME_MS=600000 npx vitest run tests/fuzz --testTimeout=0
 * Replay a failure: COLDPOOL_FUZZ_SEED=<seed printed by fast-check> npx vitest run tests/fuzz/<file>
 */
import type fc from 'fast-check';

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Number of inputs per property, default 2000. */
export const FUZZ_RUNS = envNumber('COLDPOOL_FUZZ_RUNS', 2000);
/** Wall-clock limit per property in milliseconds, default 2000. fast-check then stops early without failing. */
export const FUZZ_TIME_MS = envNumber('COLDPOOL_FUZZ_TIME_MS', 2000);
/**
 * Maximum duration of one call, in milliseconds, default 250. A parser that takes longer on a few hundred
 * bytes has a super-linear path (a regular expression that backtracks, a quadratic loop).
 */
export const FUZZ_MAX_CALL_MS = envNumber('COLDPOOL_FUZZ_MAX_CALL_MS', 250);

/** fast-check parameters of every fuzz property: bounded runs and time, and a fixed seed when given. */
export function fuzzParameters<T>(): fc.Parameters<T> {
  const seed = process.env.COLDPOOL_FUZZ_SEED;
  return {
    numRuns: FUZZ_RUNS,
    interruptAfterTimeLimit: FUZZ_TIME_MS,
    markInterruptAsFailure: false,
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
  };
}

/** Returns true for an Error with a string `code`, the contract of every parser's errors. */
export function isTypedError(error: unknown): boolean {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/** Calls `parse` once; returns its result (undefined after a typed error) and the time taken. */
function timedCall<R>(parse: () => R): { result: R | undefined; took_ms: number } {
  const started = performance.now();
  let result: R | undefined;
  try {
    result = parse();
  } catch (error) {
    if (!isTypedError(error)) {
      const name = error instanceof Error ? error.constructor.name : typeof error;
      throw new Error(`untyped ${name} thrown: ${String(error)}`);
    }
  }
  return { result, took_ms: performance.now() - started };
}

/**
 * Calls `parse` and returns its result, or undefined when it threw a typed error. Throws (failing the
 * property) on an untyped error, or when the call is slower than `FUZZ_MAX_CALL_MS` twice in a row: a
 * second call distinguishes a super-linear input, which is slow every time, from a garbage-collection pause.
 */
export function expectTypedOutcome<R>(parse: () => R): R | undefined {
  const first = timedCall(parse);
  if (first.took_ms <= FUZZ_MAX_CALL_MS) return first.result;
  const second = timedCall(parse);
  if (second.took_ms > FUZZ_MAX_CALL_MS) {
    throw new Error(
      `calls took ${first.took_ms.toFixed(0)} and ${second.took_ms.toFixed(0)} ms, more than ${FUZZ_MAX_CALL_MS} ms`,
    );
  }
  return second.result;
}

/**
 * Shared bounds of the fuzz targets. Every target calls its parser through `expectTypedOutcome`, which
 * fails the property when the parser throws anything but an Error with a string `code`, or when one call
 * takes longer than `FUZZ_MAX_CALL_MS`.
 *
 * Longer runs: COLDPOOL_FUZZ_RUNS=200000 COLDPOOL_FUZZ_TIME_MS=600000 npx vitest run tests/fuzz
 * Replay a failure: COLDPOOL_FUZZ_SEED=<seed printed by fast-check> npx vitest run tests/fuzz/<file>
 */
import type fc from 'fast-check';

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Number of inputs per property, default 2000. */
export const FUZZ_RUNS = envNumber('COLDPOOL_FUZZ_RUNS', 2000);
/** Wall-clock limit per property in milliseconds, default 3000; fast-check stops early, without failing. */
export const FUZZ_TIME_MS = envNumber('COLDPOOL_FUZZ_TIME_MS', 3000);
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

/**
 * Calls `parse` and returns its result, or undefined when it threw a typed error. Throws (failing the
 * property) on an untyped error or a call slower than `FUZZ_MAX_CALL_MS`.
 */
export function expectTypedOutcome<R>(parse: () => R): R | undefined {
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
  const took_ms = performance.now() - started;
  if (took_ms > FUZZ_MAX_CALL_MS) {
    throw new Error(`one call took ${took_ms.toFixed(0)} ms, more than ${FUZZ_MAX_CALL_MS} ms`);
  }
  return result;
}

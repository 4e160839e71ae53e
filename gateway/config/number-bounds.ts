import type { z } from 'zod';

/** One bound of a number schema: `.min(1)` is `{ value: 1, inclusive: true }`, `.positive()` an exclusive 0. */
export interface Bound {
  value: number;
  inclusive: boolean;
}

/** Bounds that a zod number schema's own checks set, and whether it takes whole numbers only. */
export interface NumberBounds {
  integer: boolean;
  minimum?: Bound;
  maximum?: Bound;
}

interface CheckDef {
  check: string;
  value?: number;
  inclusive?: boolean;
  format?: string;
}

function checkDefsOf(schema: z.core.$ZodType): CheckDef[] {
  const def = schema._zod.def as unknown as { checks?: z.core.$ZodCheck[] };
  const own = schema._zod.def as unknown as Partial<CheckDef>;
  // A format schema such as `z.int()` is its own first check, as zod's aggregateChecks reads it.
  const list = own.check === undefined ? [] : [own as CheckDef];
  for (const check of def.checks ?? []) list.push(check._zod.def as unknown as CheckDef);
  return list;
}

/** Returns true when the number schema takes whole numbers only (`.int()` or `z.int()`). */
export function isWholeNumberSchema(schema: z.core.$ZodType): boolean {
  return checkDefsOf(schema).some((check) => check.check === 'number_format' && check.format?.includes('int'));
}

/**
 * Reads the bounds of a number schema from its `greater_than` and `less_than` checks, keeping the
 * tightest of each. The implied range of an integer format (±2^53 − 1 for `.int()`) does not count.
 * Returns undefined for a schema that is not a number or has no bound.
 */
export function numberBoundsOf(schema: z.core.$ZodType | undefined): NumberBounds | undefined {
  if (schema?._zod.def.type !== 'number') return undefined;
  const bounds: NumberBounds = { integer: isWholeNumberSchema(schema) };
  for (const check of checkDefsOf(schema)) {
    if (check.value === undefined || check.inclusive === undefined) continue;
    const bound = { value: check.value, inclusive: check.inclusive };
    if (check.check === 'greater_than' && !isLooser(bounds.minimum, bound, 1)) bounds.minimum = bound;
    if (check.check === 'less_than' && !isLooser(bounds.maximum, bound, -1)) bounds.maximum = bound;
  }
  return bounds.minimum || bounds.maximum ? bounds : undefined;
}

/** Tells whether `candidate` accepts more values than `current`. `direction` is 1 for a minimum, -1 for a maximum. */
function isLooser(current: Bound | undefined, candidate: Bound, direction: 1 | -1): boolean {
  if (!current) return false;
  if (candidate.value === current.value) return candidate.inclusive && !current.inclusive;
  return (candidate.value - current.value) * direction < 0;
}

/**
 * Describes the bounds as the file's reader needs them: `from 1 to 100000`, `of at least 1`,
 * `greater than 0 and at most 3650`. An exclusive bound of a whole number reads as the next whole
 * number, so `.positive().int()` reads `of at least 1`.
 */
export function describeBounds(bounds: NumberBounds): string {
  const minimum = bounds.minimum && asInclusive(bounds.minimum, bounds.integer, 1);
  const maximum = bounds.maximum && asInclusive(bounds.maximum, bounds.integer, -1);
  if (minimum?.inclusive && maximum?.inclusive) return `from ${minimum.value} to ${maximum.value}`;
  const lower = minimum && (minimum.inclusive ? `at least ${minimum.value}` : `greater than ${minimum.value}`);
  const upper = maximum && (maximum.inclusive ? `at most ${maximum.value}` : `less than ${maximum.value}`);
  if (lower && upper) return `${lower} and ${upper}`;
  const phrase = lower ?? upper ?? '';
  // "a whole number of at least 1" but "a finite number greater than 0".
  return (minimum ?? maximum)?.inclusive ? `of ${phrase}` : phrase;
}

function asInclusive(bound: Bound, integer: boolean, direction: 1 | -1): Bound {
  if (bound.inclusive || !integer) return bound;
  const next = direction > 0 ? Math.floor(bound.value) + 1 : Math.ceil(bound.value) - 1;
  return { value: next, inclusive: true };
}

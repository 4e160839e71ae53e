import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../gateway/api/errors.js';
import { MAX_TIME_MS } from '../../../gateway/api/schemas.js';
import { resolveTimeRange } from '../../../gateway/api/time-range.js';

const NOW_MS = Date.UTC(2026, 11, 1);

/** Returns the error `resolveTimeRange` throws for `query`, or undefined. */
function errorOf(query: Parameters<typeof resolveTimeRange>[0]): ApiError | undefined {
  try {
    resolveTimeRange(query, NOW_MS);
    return undefined;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

describe('resolveTimeRange', () => {
  it('fills in the defaults', () => {
    expect(resolveTimeRange({}, NOW_MS)).toEqual({ from_ms: NOW_MS - 86_400_000, to_ms: NOW_MS, max_points: 500 });
  });

  const invalid = [
    { name: 'from_ms', value: Number.POSITIVE_INFINITY },
    { name: 'from_ms', value: Number.NEGATIVE_INFINITY },
    { name: 'from_ms', value: 1e308 },
    { name: 'to_ms', value: Number.NaN },
    { name: 'to_ms', value: MAX_TIME_MS + 1 },
    { name: 'to_ms', value: 1.5 },
    { name: 'max_points', value: Number.POSITIVE_INFINITY },
    { name: 'max_points', value: 9 },
  ];

  for (const { name, value } of invalid) {
    it(`rejects ${name} ${value}`, () => {
      const error = errorOf({ [name]: value });
      expect(error?.code).toBe('API_VALIDATION_FAILED');
      expect(error?.status).toBe(400);
      expect(error?.message).toContain(`query.${name} must be a finite integer, at least`);
      expect(error?.details).toEqual([{ field: `query.${name}`, message: expect.stringContaining(`got ${value}`) }]);
    });
  }

  it('accepts the latest time', () => {
    expect(resolveTimeRange({ from_ms: MAX_TIME_MS - 1, to_ms: MAX_TIME_MS }, NOW_MS).to_ms).toBe(MAX_TIME_MS);
  });
});

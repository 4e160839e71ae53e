import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketPoints, bucketWidthMs } from '../../../gateway/api/history/bucketing.js';
import { meanKineticTemperatureC } from '../../../gateway/api/history/mkt.js';
import { mergePeriods, truePeriods } from '../../../gateway/api/history/periods.js';

const temperatures = fc.array(fc.double({ min: -40, max: 40, noNaN: true }), { minLength: 1, maxLength: 50 });

describe('mean kinetic temperature', () => {
  it('returns null without weights', () => {
    expect(meanKineticTemperatureC([])).toBeNull();
  });

  it('lies between the min and max', () => {
    fc.assert(
      fc.property(temperatures, (values) => {
        const mkt = meanKineticTemperatureC(values.map((value_c) => ({ value_c, weight: 1 }))) as number;
        expect(mkt).toBeGreaterThanOrEqual(Math.min(...values) - 1e-9);
        expect(mkt).toBeLessThanOrEqual(Math.max(...values) + 1e-9);
      }),
    );
  });

  it('is at least the arithmetic mean', () => {
    fc.assert(
      fc.property(temperatures, (values) => {
        const mkt = meanKineticTemperatureC(values.map((value_c) => ({ value_c, weight: 1 }))) as number;
        const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
        expect(mkt).toBeGreaterThanOrEqual(mean - 1e-9);
      }),
    );
  });

  it('counts a weight of two as two samples', () => {
    const weighted = meanKineticTemperatureC([
      { value_c: 2, weight: 2 },
      { value_c: 10, weight: 1 },
    ]);
    const repeated = meanKineticTemperatureC([
      { value_c: 2, weight: 1 },
      { value_c: 2, weight: 1 },
      { value_c: 10, weight: 1 },
    ]);
    expect(weighted).toBeCloseTo(repeated as number, 12);
  });
});

describe('bucketing', () => {
  it('picks the smallest round width', () => {
    expect(bucketWidthMs(0, 3_600_000 - 1, 12)).toBe(300_000);
  });

  it('uses whole days beyond 24 h buckets', () => {
    expect(bucketWidthMs(0, 400 * 86_400_000, 100)).toBe(5 * 86_400_000);
  });

  it('skips values that are not numbers', () => {
    expect(
      bucketPoints(
        [
          { time_ms: 0, value: true },
          { time_ms: 1, value: 3 },
        ],
        1000,
      ),
    ).toEqual([{ time_ms: 0, min: 3, mean: 3, max: 3, count: 1 }]);
  });

  it('keeps every value in some bucket', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 5000 }),
        (times, width) => {
          const points = [...times].sort((a, b) => a - b).map((time_ms) => ({ time_ms, value: time_ms % 7 }));
          const buckets = bucketPoints(points, width);
          expect(buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(points.length);
        },
      ),
    );
  });
});

describe('periods', () => {
  it('closes an open period at the end', () => {
    expect(
      truePeriods(
        [
          { time_ms: 10, value: false },
          { time_ms: 20, value: true },
        ],
        50,
      ),
    ).toEqual([{ from_ms: 20, to_ms: 50 }]);
  });

  it('merges overlapping periods', () => {
    expect(
      mergePeriods([
        { from_ms: 30, to_ms: 40 },
        { from_ms: 0, to_ms: 10 },
        { from_ms: 5, to_ms: 20 },
      ]),
    ).toEqual([
      { from_ms: 0, to_ms: 20 },
      { from_ms: 30, to_ms: 40 },
    ]);
  });
});

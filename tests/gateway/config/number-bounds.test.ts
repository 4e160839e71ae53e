import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeBounds, numberBoundsOf } from '../../../gateway/config/number-bounds.js';

function boundsText(schema: z.ZodType): string | undefined {
  const bounds = numberBoundsOf(schema);
  return bounds && describeBounds(bounds);
}

describe('number bounds', () => {
  it('reads both inclusive bounds', () => {
    expect(boundsText(z.number().int().min(1).max(100_000))).toBe('from 1 to 100000');
  });

  it('reads one-sided bounds', () => {
    expect(boundsText(z.number().int().min(1))).toBe('of at least 1');
    expect(boundsText(z.number().max(100))).toBe('of at most 100');
    expect(boundsText(z.number().positive())).toBe('greater than 0');
    expect(boundsText(z.number().lt(5))).toBe('less than 5');
  });

  it('mixes exclusive and inclusive bounds', () => {
    expect(boundsText(z.number().positive().max(3650))).toBe('greater than 0 and at most 3650');
  });

  it('turns exclusive integer bounds inclusive', () => {
    expect(boundsText(z.number().int().positive())).toBe('of at least 1');
    expect(boundsText(z.int().gt(0).lt(10))).toBe('from 1 to 9');
  });

  it('keeps the tightest of repeated bounds', () => {
    expect(boundsText(z.number().min(1).min(5).max(10).max(8))).toBe('from 5 to 8');
    expect(boundsText(z.number().gte(0).gt(0))).toBe('greater than 0');
  });

  it('marks whole numbers', () => {
    expect(numberBoundsOf(z.number().int().min(0))?.integer).toBe(true);
    expect(numberBoundsOf(z.int().min(0))?.integer).toBe(true);
    expect(numberBoundsOf(z.number().min(0))?.integer).toBe(false);
  });

  it('ignores the implied range of .int()', () => {
    expect(numberBoundsOf(z.number().int())).toBeUndefined();
    expect(numberBoundsOf(z.int())).toBeUndefined();
    expect(numberBoundsOf(z.number())).toBeUndefined();
  });

  it('ignores schemas that are not numbers', () => {
    expect(numberBoundsOf(z.string().min(1))).toBeUndefined();
    expect(numberBoundsOf(undefined)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { physicsValues } from '../../../firmware-sim/rtu/physics-values.js';
import { registerImage } from '../../../firmware-sim/rtu/register-image.js';

const START_MS = Date.UTC(2026, 6, 1, 8, 0, 0);

describe('physics-values', () => {
  it('odd units are chilled rooms', () => {
    const values = physicsValues(START_MS)(1, START_MS);
    expect(values.setpoint_c).toBe(2);
    expect(Math.abs(values.air_temp_c - 2)).toBeLessThan(1.5);
  });

  it('even units are frozen rooms', () => {
    const values = physicsValues(START_MS)(2, START_MS);
    expect(values.setpoint_c).toBe(-18);
    expect(Math.abs(values.air_temp_c + 18)).toBeLessThan(1.5);
  });

  it('same seed repeats the values', () => {
    const first = physicsValues(START_MS, 4);
    const second = physicsValues(START_MS, 4);
    for (let minute = 0; minute <= 120; minute += 10) {
      expect(second(3, START_MS + minute * 60_000)).toEqual(first(3, START_MS + minute * 60_000));
    }
  });

  it('every value fits the register map', () => {
    const source = physicsValues(START_MS);
    for (let minute = 0; minute <= 24 * 60; minute += 5) {
      for (const unitId of [1, 2]) {
        const values = source(unitId, START_MS + minute * 60_000);
        expect(() => registerImage(values)).not.toThrow();
        expect(values.air_temp_c).toBe(Math.round(values.air_temp_c * 10) / 10);
        expect(Number.isInteger(values.compressor_run_s)).toBe(true);
      }
    }
  });

  it('compressor runs within a day', () => {
    const source = physicsValues(START_MS);
    const late = source(1, START_MS + 24 * 3_600_000);
    expect(late.compressor_run_s).toBeGreaterThan(0);
  });
});

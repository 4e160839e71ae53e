import { describe, expect, it } from 'vitest';
import { ambientTemperatureC } from '../../../firmware-sim/physics/ambient.js';
import { ManualClock, ScaledClock } from '../../../firmware-sim/physics/clock.js';
import { CHILLED_ROOM } from '../../../firmware-sim/physics/cold-room-params.js';
import { deriveSeed, Prng } from '../../../firmware-sim/physics/prng.js';

describe('ambientTemperatureC', () => {
  it('peaks at 15:00 local time', () => {
    const peak_ms = Date.UTC(2026, 11, 4, 7, 0, 0); // 15:00 at UTC+8
    expect(ambientTemperatureC(CHILLED_ROOM, peak_ms)).toBeCloseTo(29, 6);
  });

  it('bottoms out at 03:00 local time', () => {
    const trough_ms = Date.UTC(2026, 11, 4, 19, 0, 0); // 03:00 next day at UTC+8
    expect(ambientTemperatureC(CHILLED_ROOM, trough_ms)).toBeCloseTo(19, 6);
  });
});

describe('ScaledClock', () => {
  it('runs time_scale times faster', () => {
    let real_ms = 1000;
    const clock = new ScaledClock(60, 5_000_000, () => real_ms);
    real_ms += 2000;
    expect(clock.nowMs()).toBe(5_000_000 + 120_000);
  });

  it('rejects a zero time scale', () => {
    expect(() => new ScaledClock(0)).toThrow(/time_scale 0 is invalid/);
  });
});

describe('ManualClock', () => {
  it('advances in integer milliseconds', () => {
    const clock = new ManualClock(1000);
    clock.advance(1.6);
    expect(clock.nowMs()).toBe(1002);
  });
});

describe('Prng', () => {
  it('repeats a sequence for a seed', () => {
    const a = new Prng(7);
    const b = new Prng(7);
    expect([a.next(), a.next(), a.next()]).toEqual([b.next(), b.next(), b.next()]);
  });

  it('stays within [0, 1)', () => {
    const prng = new Prng(1);
    const values = Array.from({ length: 10_000 }, () => prng.next());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
  });

  it('draws gaussians with the given moments', () => {
    const prng = new Prng(3);
    const values = Array.from({ length: 20_000 }, () => prng.gaussian(5, 2));
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(5, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1);
  });

  it('derives distinct child seeds', () => {
    const seeds = new Set(Array.from({ length: 100 }, (_, i) => deriveSeed(1, i)));
    expect(seeds.size).toBe(100);
  });
});

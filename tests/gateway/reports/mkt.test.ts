import { describe, expect, it } from 'vitest';
import { meanKineticTemperature } from '../../../gateway/reports/mkt.js';

const MIN = 60_000;

function series(values: number[], interval_ms = 30 * MIN) {
  return values.map((value, index) => ({ time_ms: index * interval_ms, value }));
}

/** MKT straight from the definition with equal weights, for comparison. */
function equalWeightMkt(values: number[], ratio = 10_000): number {
  const mean = values.reduce((total, value) => total + Math.exp(-ratio / (value + 273.15)), 0) / values.length;
  return ratio / -Math.log(mean);
}

describe('mean kinetic temperature', () => {
  it('gives 278.4521 K for 2, 4, 6, 8 °C', () => {
    const result = meanKineticTemperature(series([2, 4, 6, 8]));
    expect(result.mkt_k).toBeCloseTo(278.4521, 4);
    expect(result.mkt_c).toBeCloseTo(5.3021, 4);
    expect(result.mean_c).toBeCloseTo(5, 10);
  });

  it('returns a constant series value', () => {
    expect(meanKineticTemperature(series([-18, -18, -18, -18])).mkt_c).toBeCloseTo(-18, 9);
  });

  it('is never below the mean', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 200; trial++) {
      const values = Array.from({ length: 2 + Math.floor(random() * 50) }, () => -25 + random() * 60);
      const result = meanKineticTemperature(series(values));
      expect(result.mkt_c).toBeGreaterThanOrEqual(result.mean_c - 1e-9);
    }
  });

  it('matches the definition for equal intervals', () => {
    const values = [2.1, 3.4, 7.9, 12.5, 4.4, 3.3];
    expect(meanKineticTemperature(series(values)).mkt_k).toBeCloseTo(equalWeightMkt(values), 9);
  });

  it('weights readings by the time they apply', () => {
    const points = [
      { time_ms: 0, value: 2 },
      { time_ms: 30 * MIN, value: 8 },
      { time_ms: 40 * MIN, value: 2 },
    ];
    // 2 °C applies 30 min, 8 °C 10 min, the last 2 °C until the window end at 60 min.
    const result = meanKineticTemperature(points, { from_ms: 0, to_ms: 60 * MIN, max_gap_ms: 30 * MIN });
    expect(result.mkt_k).toBeCloseTo(equalWeightMkt([2, 2, 2, 8, 2, 2]), 9);
    expect(result.complete).toBe(true);
  });

  it('uses the configured activation energy', () => {
    const result = meanKineticTemperature(series([2, 4, 6, 8]), { delta_h_over_r_k: 5000 });
    expect(result.mkt_k).toBeCloseTo(equalWeightMkt([2, 4, 6, 8], 5000), 9);
  });

  it('flags a gap as incomplete', () => {
    const points = [...series([2, 4]), ...series([6, 8]).map((p) => ({ ...p, time_ms: p.time_ms + 300 * MIN }))];
    const result = meanKineticTemperature(points);
    expect(result.complete).toBe(false);
    expect(result.gaps.length).toBe(1);
  });

  it('flags a late first reading as incomplete', () => {
    const result = meanKineticTemperature(series([2, 4, 6]), { from_ms: -600 * MIN, to_ms: 90 * MIN });
    expect(result.complete).toBe(false);
    expect(result.gaps[0]?.start_ms).toBe(-600 * MIN);
  });

  it('returns NaN without readings', () => {
    expect(Number.isNaN(meanKineticTemperature([]).mkt_c)).toBe(true);
  });

  it('stays finite for deep frozen series', () => {
    const result = meanKineticTemperature(series([-80, -78, -79]), { delta_h_over_r_k: 20_000 });
    expect(Number.isFinite(result.mkt_k)).toBe(true);
    expect(result.mkt_k).toBeCloseTo(equalWeightMkt([-80, -78, -79], 20_000), 9);
  });
});

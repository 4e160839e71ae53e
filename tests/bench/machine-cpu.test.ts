import { describe, expect, it } from 'vitest';
import { cpuShares, parseCpuTimes, percent } from '../../bench/support/machine-cpu.js';

const BEFORE = ['cpu  1000 10 200 5000 100 0 40 50 30 0', 'cpu0 500 5 100 2500 50 0 20 25 15 0', 'intr 123'].join('\n');
const AFTER = 'cpu  1500 10 300 5200 100 0 40 250 90 0\ncpu0 750 5 150 2600 50 0 20 125 45 0\n';

describe('machine CPU shares', () => {
  it('sums the cpu line without guest time', () => {
    expect(parseCpuTimes(BEFORE)).toEqual({ total: 6400, idle: 5100, steal: 50 });
  });

  it('shares of ticks between readings', () => {
    // 1,000 ticks passed: 500 user, 100 system, 200 idle, 200 steal (guest time is inside user).
    const shares = cpuShares(parseCpuTimes(BEFORE), parseCpuTimes(AFTER));
    expect(shares.idle).toBeCloseTo(0.2, 10);
    expect(shares.steal).toBeCloseTo(0.2, 10);
    expect(percent(shares.steal)).toBe('20%');
  });

  it('zero shares without ticks', () => {
    const times = parseCpuTimes(BEFORE);
    expect(cpuShares(times, times)).toEqual({ idle: 0, steal: 0 });
  });

  it('line without steal column', () => {
    expect(parseCpuTimes('cpu  10 0 5 85\n')).toEqual({ total: 100, idle: 85, steal: 0 });
  });

  it('rejects text without cpu line', () => {
    expect(() => parseCpuTimes('intr 1\n')).toThrow(/no "cpu" line/);
  });
});

import { describe, expect, it } from 'vitest';
import { pollOffsetMs } from '../../../gateway/inputs/modbus-input.js';

function offsets(count: number, interval_ms: number): number[] {
  return Array.from({ length: count }, (_, index) => pollOffsetMs(index, count, interval_ms));
}

describe('modbus-input poll offsets', () => {
  it('1000 devices form 20 groups', () => {
    const byOffset = new Map<number, number>();
    for (const offset of offsets(1000, 1000)) byOffset.set(offset, (byOffset.get(offset) ?? 0) + 1);
    expect([...byOffset.keys()]).toEqual(Array.from({ length: 20 }, (_, group) => group * 50));
    expect(new Set(byOffset.values())).toEqual(new Set([50]));
  });

  it('few devices spread over the interval', () => {
    expect(offsets(3, 1000)).toEqual([0, 300, 650]);
  });

  it('short interval puts all in one group', () => {
    expect(offsets(5, 40)).toEqual([0, 0, 0, 0, 0]);
  });

  it('offsets stay below the interval', () => {
    for (const interval of [1, 49, 50, 99, 1000, 1234, 60_000]) {
      expect(Math.max(...offsets(7, interval))).toBeLessThan(interval);
    }
  });
});

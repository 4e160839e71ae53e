import { describe, expect, it } from 'vitest';
import { PollTiming } from '../../bench/support/poll-timing.js';
import type { Reading } from '../../gateway/reading.js';

function healthPoint(device: string, counters: Record<string, number>): Reading {
  return {
    measurement: 'device_health',
    tags: { device },
    fields: { up: true, ...counters },
    integer_fields: new Set(Object.keys(counters)),
    time_ms: 0,
    time_source: 'receive',
  };
}

const ZERO = { polls_on_time: 0, polls_ok: 0, polls_failed: 0, slots_skipped: 0 };

describe('PollTiming', () => {
  it('sums changes since reset', () => {
    const timing = new PollTiming();
    timing.record(healthPoint('a', { polls_on_time: 5, polls_ok: 6, polls_failed: 1, slots_skipped: 2 }));
    timing.reset();
    timing.record(healthPoint('a', { polls_on_time: 8, polls_ok: 10, polls_failed: 2, slots_skipped: 3 }));
    const counts = timing.counts();
    expect(counts.on_time).toBe(3);
    expect(counts.late).toBe(1);
    expect(counts.failed).toBe(1);
    expect(counts.skipped).toBe(1);
  });

  it('device first seen after reset counts from zero', () => {
    const timing = new PollTiming();
    timing.reset();
    timing.record(healthPoint('b', { ...ZERO, polls_on_time: 2, polls_ok: 2 }));
    expect(timing.counts().on_time).toBe(2);
  });

  it('sums over devices', () => {
    const timing = new PollTiming();
    timing.record(healthPoint('a', ZERO));
    timing.record(healthPoint('b', ZERO));
    timing.reset();
    timing.record(healthPoint('a', { ...ZERO, polls_on_time: 1, polls_ok: 1 }));
    timing.record(healthPoint('b', { ...ZERO, polls_on_time: 1, polls_ok: 2 }));
    expect(timing.counts().on_time).toBe(2);
    expect(timing.counts().late).toBe(1);
  });

  it('ignores points without counters', () => {
    const timing = new PollTiming();
    timing.record(healthPoint('a', { polls_ok: 4 }));
    expect(timing.counts().on_time).toBe(0);
    expect(timing.counts().late).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../gateway/security/rate-limiter.js';

function limiter(max_events: number, window_s: number, max_keys?: number) {
  let now = 1_000_000;
  const instance = new RateLimiter({ max_events, window_s, now_ms: () => now, ...(max_keys ? { max_keys } : {}) });
  return { instance, advance: (ms: number) => (now += ms) };
}

describe('RateLimiter', () => {
  it('allows a burst up to the max', () => {
    const { instance } = limiter(3, 60);
    expect([instance.take('a'), instance.take('a'), instance.take('a')]).toEqual([true, true, true]);
  });

  it('rejects beyond the max', () => {
    const { instance } = limiter(3, 60);
    for (let i = 0; i < 3; i++) instance.take('a');
    expect(instance.take('a')).toBe(false);
  });

  it('keeps keys apart', () => {
    const { instance } = limiter(1, 60);
    instance.take('a');
    expect(instance.take('b')).toBe(true);
  });

  it('refills over the window', () => {
    const { instance, advance } = limiter(3, 60);
    for (let i = 0; i < 3; i++) instance.take('a');
    advance(20_000);
    expect(instance.take('a')).toBe(true);
  });

  it('reports time until next event', () => {
    const { instance } = limiter(3, 60);
    for (let i = 0; i < 3; i++) instance.take('a');
    expect(instance.retryAfterMs('a')).toBe(20_000);
  });

  it('restores allowance on reset', () => {
    const { instance } = limiter(1, 60);
    instance.take('a');
    instance.reset('a');
    expect(instance.take('a')).toBe(true);
  });

  it('bounds the number of keys', () => {
    const { instance } = limiter(1, 60, 100);
    for (let i = 0; i < 1000; i++) instance.take(`10.0.${i >> 8}.${i & 255}`);
    expect(instance.size()).toBe(100);
  });

  it('rejects a zero max', () => {
    expect(() => new RateLimiter({ max_events: 0, window_s: 1 })).toThrow(RangeError);
  });

  it('refunds one event up to the max', () => {
    const { instance } = limiter(2, 60);
    instance.take('a');
    instance.take('a');
    instance.refund('a');
    instance.refund('a');
    instance.refund('a');
    expect(instance.take('a')).toBe(true);
    expect(instance.take('a')).toBe(true);
    expect(instance.take('a')).toBe(false);
  });
});

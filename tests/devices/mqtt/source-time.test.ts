import { describe, expect, it } from 'vitest';
import { epochToMs, parseSourceTime } from '../../../devices/mqtt/source-time.js';

/** 2026-12-04T15:00:00Z in milliseconds since the epoch. */
const T_MS = Date.UTC(2026, 11, 4, 15, 0, 0);

function timeOf(value: unknown): number | string {
  const time = parseSourceTime(value);
  return time.ok ? time.time_ms : 'invalid';
}

describe('source-time', () => {
  it.each([
    ['2026-12-04T15:00:00Z', T_MS],
    ['2026-12-04T15:00:00.250Z', T_MS + 250],
    ['2026-12-04T16:00:00+01:00', T_MS],
    ['2026-12-04T16:00:00+0100', T_MS],
    ['2026-12-04 15:00:00Z', T_MS],
    ['2026-12-04T15:00Z', T_MS],
    ['2026-12-04T15:00:00,5Z', T_MS + 500],
  ])('parses ISO 8601 %j', (input, expected) => {
    expect(timeOf(input)).toBe(expected);
  });

  it('rejects ISO without zone', () => {
    expect(timeOf('2026-12-04T15:00:00')).toBe('invalid');
  });

  it('rejects hour-only offset', () => {
    expect(timeOf('2026-12-04T15:00:00+01')).toBe('invalid');
  });

  it('rejects impossible date', () => {
    expect(timeOf('2026-13-45T15:00:00Z')).toBe('invalid');
  });

  it('parses epoch seconds', () => {
    expect(timeOf(T_MS / 1000)).toBe(T_MS);
  });

  it('parses fractional epoch seconds', () => {
    expect(timeOf(T_MS / 1000 + 0.123)).toBe(T_MS + 123);
  });

  it('parses epoch milliseconds', () => {
    expect(timeOf(T_MS)).toBe(T_MS);
  });

  it('parses epoch seconds string', () => {
    expect(timeOf(String(T_MS / 1000))).toBe(T_MS);
  });

  it('parses epoch milliseconds string', () => {
    expect(timeOf(String(T_MS))).toBe(T_MS);
  });

  it('parses epoch microseconds', () => {
    expect(epochToMs(T_MS * 1000)).toBe(T_MS);
  });

  it('parses epoch nanoseconds', () => {
    expect(epochToMs(T_MS * 1e6)).toBe(T_MS);
  });

  it('returns integer milliseconds', () => {
    expect(Number.isInteger(timeOf(1_700_000_000.0004))).toBe(true);
  });

  it.each([[0], [-5], [true], [null], [{}], ['soon']])('rejects %j', (input) => {
    expect(timeOf(input)).toBe('invalid');
  });
});

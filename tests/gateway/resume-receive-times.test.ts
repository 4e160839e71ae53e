// The receive time floor is module state, so the ignored clock is tested before the followed one.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { DeviceSample } from '../../devices/sample.js';
import { normaliseSample } from '../../gateway/pipeline/normalise-sample.js';
import { MAX_RECEIVE_CLOCK_LEAD_MS, resumeReceiveTimes } from '../../gateway/resume-receive-times.js';

const NOW_MS = 1_796_544_626_000;
const options = { max_clock_skew_ms: 300_000 };
const identity = { site: 'depot', asset: 'room-a', measurement: 'cold_room', tags: {} };

function sample(device_id: string, receive_time_ms: number): DeviceSample {
  const fields = [{ spec: { name: 'air_temp_c', type: 'float' as const, unit: 'C' as const }, value: 3 }];
  return { device_id, receive_time_ms, retained: false, fields, errors: [] };
}

/** Returns a stand-in queue with a stored receive clock, which counts its resets. */
function storedClock(newest_receive_ms: number) {
  return {
    newest_receive_ms,
    resets: 0,
    resetReceiveClock() {
      this.resets += 1;
      this.newest_receive_ms = 0;
    },
  };
}

function capturingLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, log };
}

describe('resumeReceiveTimes', () => {
  it('ignores a clock far ahead', () => {
    const queue = storedClock(NOW_MS + 240_000);
    const { lines, log } = capturingLog();
    resumeReceiveTimes(queue, '/data/queue.db', log, NOW_MS);
    expect(queue.resets).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe(40);
    expect(lines[0]?.stored_receive_time).toBe(new Date(NOW_MS + 240_000).toISOString());
    expect(lines[0]?.wall_clock).toBe(new Date(NOW_MS).toISOString());
    expect(lines[0]?.lead_s).toBe(240);
    expect(lines[0]?.msg).toContain(new Date(NOW_MS + 240_000).toISOString());
    expect(lines[0]?.msg).toContain(new Date(NOW_MS).toISOString());
    const reading = normaliseSample(sample('dev-1', NOW_MS), identity, options).reading;
    expect(reading?.time_ms).toBe(NOW_MS);
  });

  it('follows a clock slightly ahead', () => {
    const stored_ms = NOW_MS + MAX_RECEIVE_CLOCK_LEAD_MS;
    const queue = storedClock(stored_ms);
    const { lines, log } = capturingLog();
    resumeReceiveTimes(queue, '/data/queue.db', log, NOW_MS);
    expect(queue.resets).toBe(0);
    expect(lines).toEqual([]);
    const reading = normaliseSample(sample('dev-2', NOW_MS), identity, options).reading;
    expect(reading?.time_ms).toBe(stored_ms + 1);
  });
});

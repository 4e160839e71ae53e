// The floor is module state, so this file has it to itself: vitest gives each test file its own modules.
import { describe, expect, it } from 'vitest';
import type { DeviceSample } from '../../../devices/sample.js';
import { normaliseSample, startReceiveTimesAfter } from '../../../gateway/pipeline/normalise-sample.js';

const options = { max_clock_skew_ms: 300_000 };

function sample(device_id: string, receive_time_ms: number): DeviceSample {
  const fields = [{ spec: { name: 'air_temp_c', type: 'float' as const, unit: 'C' as const }, value: 3 }];
  return { device_id, receive_time_ms, retained: false, fields, errors: [] };
}

describe('receive time floor', () => {
  it('starts every series after it', () => {
    startReceiveTimesAfter(1_800_000_015_000);
    const identity = { site: 'depot', asset: 'room-a', measurement: 'cold_room', tags: {} };
    const times = ['dev-1', 'dev-1', 'dev-2'].map(
      (device) => normaliseSample(sample(device, 1_800_000_000_000), identity, options).reading?.time_ms,
    );
    expect(times).toEqual([1_800_000_015_001, 1_800_000_015_002, 1_800_000_015_001]);
  });

  it('leaves later receive times alone', () => {
    const identity = { site: 'depot', asset: 'room-b', measurement: 'cold_room', tags: {} };
    const reading = normaliseSample(sample('dev-3', 1_800_000_020_000), identity, options).reading;
    expect(reading?.time_ms).toBe(1_800_000_020_000);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeRequestFields } from '../../../devices/modbus/field-decoder.js';
import type { RegisterField } from '../../../devices/modbus/register-field.js';
import { planRequests } from '../../../devices/modbus/request-plan.js';
import type { DeviceSample, FieldSpec, RawField } from '../../../devices/sample.js';
import { faultReading, normaliseSample, untrustedTimeMessage } from '../../../gateway/pipeline/normalise-sample.js';

const identity = { site: 'depot', asset: 'room-a', measurement: 'cold_room', tags: {} };
const options = { max_clock_skew_ms: 300_000 };

function field(spec: Partial<FieldSpec> & { name: string }, value: RawField['value']): RawField {
  return { spec: { type: 'float', ...spec }, value };
}

function sample(fields: RawField[], extra: Partial<DeviceSample> = {}): DeviceSample {
  return { device_id: 'dev-1', receive_time_ms: 1_700_000_000_000, retained: false, fields, errors: [], ...extra };
}

/** Decodes `words` as the reply to a read of `register` and returns the faults of the normalised sample. */
function registerFaults(register: RegisterField, words: number[]) {
  const [request] = planRequests([register]);
  const decoded = decodeRequestFields(request!, words);
  return normaliseSample(sample(decoded.fields), identity, options).faults;
}

describe('normaliseSample', () => {
  it('converts fahrenheit to celsius', () => {
    const result = normaliseSample(sample([field({ name: 'air_temp_c', unit: 'F' }, 37.4)]), identity, options);
    expect(result.reading?.fields.air_temp_c).toBe(3);
  });

  it('converts kelvin to celsius', () => {
    const result = normaliseSample(sample([field({ name: 'air_temp_c', unit: 'K' }, 255.15)]), identity, options);
    expect(result.reading?.fields.air_temp_c).toBe(-18);
  });

  it('keeps scaled values exact to the sensor resolution', () => {
    const result = normaliseSample(sample([field({ name: 'air_temp_c', unit: 'C' }, 387 * 0.1)]), identity, options);
    expect(result.reading?.fields.air_temp_c).toBe(38.7);
  });

  it('turns a sentinel into a fault', () => {
    const spec = { name: 'probe_temp_c', unit: 'C' as const, sentinels: [327.67] };
    const result = normaliseSample(sample([field(spec, 327.67), field({ name: 'rh_pct' }, 37.8)]), identity, options);
    expect(result.reading?.fields).toEqual({ rh_pct: 37.8 });
    expect(result.faults).toHaveLength(1);
    expect(result.faults[0]?.code).toBe('SENSOR_SENTINEL');
    expect(result.faults[0]?.raw_value).toBe('327.67');
  });

  it('keeps a scaled register sentinel clean', () => {
    const register: RegisterField = {
      name: 'air_temp_c',
      type: 'float',
      table: 'input',
      address: 0,
      data_type: 'int16',
      scale: 0.1,
      unit: 'C',
      sentinels: [3276.7, -3276.8],
    };
    const [fault] = registerFaults(register, [0x7fff]);
    expect(fault?.code).toBe('SENSOR_SENTINEL');
    expect(fault?.raw_value).toBe('3276.7');
  });

  it('keeps a scaled register out of range clean', () => {
    const register: RegisterField = {
      name: 'differential_c',
      type: 'float',
      table: 'holding',
      address: 101,
      data_type: 'int16',
      scale: 0.1,
      valid_min: 1,
    };
    const [fault] = registerFaults(register, [6]);
    expect(fault?.code).toBe('SENSOR_OUT_OF_RANGE');
    expect(fault?.raw_value).toBe('0.6');
  });

  it('compares sentinels in the device unit', () => {
    const spec = { name: 'air_temp_c', unit: 'F' as const, sentinels: [327.67] };
    const result = normaliseSample(sample([field(spec, 327.67)]), identity, options);
    expect(result.reading).toBeUndefined();
    expect(result.faults[0]?.code).toBe('SENSOR_SENTINEL');
  });

  it('turns an out-of-range value into a fault', () => {
    const spec = { name: 'air_temp_c', unit: 'C' as const, valid_min: -50, valid_max: 60 };
    const result = normaliseSample(sample([field(spec, 85)]), identity, options);
    expect(result.reading).toBeUndefined();
    expect(result.faults[0]?.code).toBe('SENSOR_OUT_OF_RANGE');
  });

  it('never stores NaN or Infinity', () => {
    const result = normaliseSample(
      sample([
        field({ name: 'a' }, Number.NaN),
        field({ name: 'b' }, Number.POSITIVE_INFINITY),
        field({ name: 'c' }, 1),
      ]),
      identity,
      options,
    );
    expect(result.reading?.fields).toEqual({ c: 1 });
    expect(result.faults.map((fault) => fault.code)).toEqual(['SENSOR_NOT_A_NUMBER', 'SENSOR_NOT_A_NUMBER']);
  });

  it('counts null values as missing', () => {
    const result = normaliseSample(sample([field({ name: 'a' }, null), field({ name: 'b' }, 2)]), identity, options);
    expect(result.missing_fields).toBe(1);
    expect(result.reading?.fields).toEqual({ b: 2 });
  });

  it('keeps a float field a float for whole numbers', () => {
    const result = normaliseSample(sample([field({ name: 'temp_c', unit: 'C' }, 21)]), identity, options);
    expect(result.reading?.integer_fields.has('temp_c')).toBe(false);
  });

  it('marks declared integers', () => {
    const result = normaliseSample(sample([field({ name: 'run_s', type: 'integer' }, 12n)]), identity, options);
    expect(result.reading?.fields.run_s).toBe(12);
    expect(result.reading?.integer_fields.has('run_s')).toBe(true);
  });

  it('rejects a fraction on an integer field', () => {
    const result = normaliseSample(sample([field({ name: 'count', type: 'integer' }, 1.5)]), identity, options);
    expect(result.faults[0]?.code).toBe('SENSOR_NOT_INTEGER');
  });

  it('reads booleans from words and bits', () => {
    const result = normaliseSample(
      sample([field({ name: 'a', type: 'boolean' }, 'open'), field({ name: 'b', type: 'boolean' }, 0)]),
      identity,
      options,
    );
    expect(result.reading?.fields).toEqual({ a: true, b: false });
  });

  it('uses the source time when present', () => {
    const result = normaliseSample(
      sample([field({ name: 'a' }, 1)], { source_time_ms: 1_699_999_990_000 }),
      identity,
      options,
    );
    expect(result.reading?.time_ms).toBe(1_699_999_990_000);
    expect(result.reading?.time_source).toBe('source');
  });

  it('keeps the source time of a fault reading', () => {
    const spec = { name: 'air_temp_c', unit: 'C' as const, sentinels: [-127] };
    const result = normaliseSample(
      sample([field(spec, -127)], { source_time_ms: 1_700_000_240_000 }),
      identity,
      options,
    );
    const reading = faultReading(result.faults[0]!);
    expect(reading.time_ms).toBe(1_700_000_240_000);
    expect(reading.time_source).toBe('source');
  });

  it('marks a fault reading without source time as received', () => {
    const spec = { name: 'air_temp_c', unit: 'C' as const, sentinels: [-127] };
    const reading = faultReading(normaliseSample(sample([field(spec, -127)]), identity, options).faults[0]!);
    expect(reading.time_ms).toBe(1_700_000_000_000);
    expect(reading.time_source).toBe('receive');
  });

  it('falls back to receive time for a future stamp', () => {
    const result = normaliseSample(
      sample([field({ name: 'a' }, 1)], { source_time_ms: 1_800_000_000_000 }),
      { ...identity },
      options,
    );
    expect(result.reading?.time_ms).toBe(1_700_000_000_000);
    expect(result.untrusted_time).toBe(true);
  });

  it('tags site asset and device', () => {
    const result = normaliseSample(
      sample([field({ name: 'a' }, 1)], { tags: { compartment: 'rear' } }),
      identity,
      options,
    );
    expect(result.reading?.tags).toEqual({ site: 'depot', asset: 'room-a', device: 'dev-1', compartment: 'rear' });
  });

  it('stores the sequence as an integer field', () => {
    const result = normaliseSample(sample([field({ name: 'a' }, 1)], { sequence: 42 }), identity, options);
    expect(result.reading?.fields.seq).toBe(42);
    expect(result.reading?.integer_fields.has('seq')).toBe(true);
  });

  it('distrusts a stamp before 2000', () => {
    const result = normaliseSample(
      sample([field({ name: 'a' }, 1)], { source_time_ms: 100_000_000_000 }),
      { ...identity },
      options,
    );
    expect(result.reading?.time_ms).toBe(1_700_000_000_000);
    expect(result.untrusted_time).toBe(true);
    expect(result.untrusted_reason).toBe('before_2000');
  });

  it('names the reason for a future stamp', () => {
    const result = normaliseSample(
      sample([field({ name: 'a' }, 1)], { source_time_ms: 1_700_000_400_000 }),
      { ...identity },
      options,
    );
    expect(result.untrusted_reason).toBe('ahead');
  });

  it('trusts a stamp within the skew', () => {
    const result = normaliseSample(
      sample([field({ name: 'a' }, 1)], { source_time_ms: 1_700_000_200_000 }),
      { ...identity },
      options,
    );
    expect(result.untrusted_time).toBe(false);
    expect(result.untrusted_reason).toBeUndefined();
  });
});

describe('untrustedTimeMessage', () => {
  const receive_time_ms = 1_700_000_000_000;

  it('states skew, limit and fix', () => {
    const message = untrustedTimeMessage(
      { device_id: 'room-1', source_time_ms: receive_time_ms + 3_600_400, receive_time_ms },
      'ahead',
      300_000,
    );
    expect(message).toContain('device room-1 timestamp is 3600 s ahead of the receive time');
    expect(message).toContain('more than max_clock_skew_s (300 s)');
    expect(message).toContain('stored at the receive time');
    expect(message).toContain('Fix the device clock');
    expect(message).toContain('--time-scale above 1');
    expect(message).toContain('raise max_clock_skew_s');
  });

  it('states a stamp before 2000', () => {
    const message = untrustedTimeMessage(
      { device_id: 'room-1', source_time_ms: 100_000_000_000, receive_time_ms },
      'before_2000',
      300_000,
    );
    expect(message).toContain('device room-1 timestamp 1973-03-03T09:46:40.000Z is before 2000-01-01');
    expect(message).toContain('Set the device clock, or fix the time unit');
  });

  it('states an invalid stamp', () => {
    const message = untrustedTimeMessage(
      { device_id: 'room-1', source_time_ms: 1.5, receive_time_ms },
      'invalid',
      300_000,
    );
    expect(message).toContain('timestamp 1.5 is not a whole number of milliseconds');
  });
});

describe('normaliseSample tag sets', () => {
  const spec = { name: 'air_temp_c', unit: 'C' as const };

  it('shares one frozen tag set per device', () => {
    const own = { ...identity, tags: { zone: 'north' } };
    const first = normaliseSample(sample([field(spec, 3)]), own, options).reading;
    const second = normaliseSample(sample([field(spec, 4)]), own, options).reading;
    expect(first?.tags).toEqual({ zone: 'north', site: 'depot', asset: 'room-a', device: 'dev-1' });
    expect(second?.tags).toBe(first?.tags);
    expect(Object.isFrozen(first?.tags)).toBe(true);
  });

  it('rebuilds tags on a new device or sample tags', () => {
    const own = { ...identity, tags: {} };
    const first = normaliseSample(sample([field(spec, 3)]), own, options).reading;
    const otherDevice = normaliseSample(sample([field(spec, 3)], { device_id: 'dev-2' }), own, options).reading;
    const withTags = normaliseSample(sample([field(spec, 3)], { tags: { compartment: 'rear' } }), own, options).reading;
    expect(otherDevice?.tags.device).toBe('dev-2');
    expect(withTags?.tags).toEqual({ compartment: 'rear', site: 'depot', asset: 'room-a', device: 'dev-1' });
    expect(first?.tags).toEqual({ site: 'depot', asset: 'room-a', device: 'dev-1' });
  });

  it('returns to the first compartment tag set', () => {
    const own = { ...identity, tags: {} };
    const tagsOf = (compartment: string) =>
      normaliseSample(sample([field(spec, 3)], { tags: { compartment } }), own, options).reading?.tags;
    const front = tagsOf('front');
    const rear = tagsOf('rear');
    expect(rear).not.toBe(front);
    expect(tagsOf('front')).toBe(front);
    expect(tagsOf('rear')).toBe(rear);
  });
});

describe('normaliseSample integer fields', () => {
  const count = (name: string) => ({ name, type: 'integer' as const });

  it('shares one set per field list', () => {
    const fields = [field(count('door_count'), 4), field(count('12:a:3'), 7)];
    const first = normaliseSample(sample(fields, { sequence: 9 }), identity, options).reading;
    const second = normaliseSample(sample(fields, { sequence: 10 }), identity, options).reading;
    expect([...(first?.integer_fields ?? [])]).toEqual(['door_count', '12:a:3', 'seq']);
    expect(second?.integer_fields).toBe(first?.integer_fields);
  });

  it('keeps a dropped integer field out', () => {
    const fields = [field(count('door_count'), null), field(count('defrosts'), 2)];
    const reading = normaliseSample(sample(fields), identity, options).reading;
    expect([...(reading?.integer_fields ?? [])]).toEqual(['defrosts']);
  });
});

describe('normaliseSample receive times', () => {
  const spec = { name: 'air_temp_c', unit: 'C' as const };

  it('never repeats a receive time per device', () => {
    const own = { ...identity, tags: {} };
    const times = [0, 0, 0, 5].map(
      (offset) =>
        normaliseSample(sample([field(spec, 3)], { receive_time_ms: 1_800_000_000_000 + offset }), own, options).reading
          ?.time_ms,
    );
    expect(times).toEqual([1_800_000_000_000, 1_800_000_000_001, 1_800_000_000_002, 1_800_000_000_005]);
  });

  it('keeps repeated device times as sent', () => {
    const own = { ...identity, tags: {} };
    const stamped = { receive_time_ms: 1_800_000_000_000, source_time_ms: 1_799_999_999_000 };
    const first = normaliseSample(sample([field(spec, 3)], stamped), own, options).reading;
    const again = normaliseSample(sample([field(spec, 3)], stamped), own, options).reading;
    expect(again?.time_ms).toBe(first?.time_ms);
  });

  it('never repeats a receive time per compartment', () => {
    const own = { ...identity, tags: {} };
    const at = { receive_time_ms: 1_800_000_200_000 };
    // Each message brings new tag objects, as the payload's compartments do.
    const times = ['front', 'rear', 'front', 'rear'].map(
      (compartment) =>
        normaliseSample(sample([field(spec, 3)], { ...at, tags: { compartment } }), own, options).reading?.time_ms,
    );
    expect(times).toEqual([1_800_000_200_000, 1_800_000_200_000, 1_800_000_200_001, 1_800_000_200_001]);
  });

  it('spaces devices independently', () => {
    const own = { ...identity, tags: {} };
    const at = { receive_time_ms: 1_800_000_100_000 };
    normaliseSample(sample([field(spec, 3)], at), own, options);
    const other = normaliseSample(sample([field(spec, 3)], { ...at, device_id: 'dev-9' }), own, options).reading;
    expect(other?.time_ms).toBe(1_800_000_100_000);
  });
});

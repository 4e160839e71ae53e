import { describe, expect, it } from 'vitest';
import { decodePayload } from '../../../devices/mqtt/json-codec.js';
import { PAYLOAD_EXCERPT_MAX_CHARS, PayloadError } from '../../../devices/mqtt/payload-error.js';
import { type PayloadMapping, PayloadMappingError } from '../../../devices/mqtt/payload-mapping.js';
import type { DeviceSample } from '../../../devices/sample.js';
import {
  P1_BARE_NAN,
  P1_LENIENT_NAN,
  P2_STRING_NUMBERS,
  P3_RETAINED,
} from '../../fixtures/mqtt/field-case-payloads.js';

const context = { receive_time_ms: 1_796_396_400_000, retained: false };

function decode(payload: string, mapping: PayloadMapping, retained = false): DeviceSample[] {
  return decodePayload('DEV-0001', Buffer.from(payload), mapping, { ...context, retained });
}

function decodeError(payload: string | Buffer, mapping: PayloadMapping): PayloadError {
  try {
    decodePayload('DEV-0001', Buffer.from(payload), mapping, context);
  } catch (error) {
    if (error instanceof PayloadError) return error;
    throw error;
  }
  throw new Error(`decodePayload accepted ${String(payload)}`);
}

function fieldValues(sample: DeviceSample | undefined): Record<string, unknown> {
  return Object.fromEntries((sample?.fields ?? []).map((field) => [field.spec.name, field.value]));
}

function errorCodes(sample: DeviceSample | undefined): Record<string, string> {
  return Object.fromEntries((sample?.errors ?? []).map((error) => [error.field, error.code]));
}

const p1Mapping: PayloadMapping = {
  format: 'json',
  fields: [
    { name: 'probe_name', type: 'string', path: 'name' },
    { name: 'signal_db', type: 'float', unit: 'dB', path: 'signal' },
  ],
};

const lenientMapping: PayloadMapping = {
  format: 'json',
  lenient: true,
  fields: [
    { name: 'air_temp_c', type: 'float', unit: 'C', path: 'temperature' },
    { name: 'humidity_pct', type: 'float', unit: 'percent', path: 'humidity' },
  ],
};

const p2Mapping: PayloadMapping = {
  format: 'json',
  fields: [
    { name: 'battery_v', type: 'float', unit: 'V', path: '$.payload_fields.BatV' },
    { name: 'humidity_pct', type: 'float', unit: 'percent', path: '$.payload_fields.Hum_SHT' },
    { name: 'probe_temp_c', type: 'float', unit: 'C', path: '$.payload_fields.TempC_DS', sentinels: [327.67] },
    { name: 'air_temp_c', type: 'float', unit: 'C', path: '$.payload_fields.TempC_SHT' },
  ],
};

const p3Mapping: PayloadMapping = {
  format: 'json',
  time_path: 'ts',
  fields: [
    { name: 'air_temp_c', type: 'float', unit: 'C', path: 'temperature' },
    { name: 'humidity_pct', type: 'float', unit: 'percent', path: 'humidity' },
    { name: 'battery_pct', type: 'integer', unit: 'percent', path: 'battery' },
  ],
};

describe('json-codec bare NaN', () => {
  it('rejects bare NaN as invalid JSON', () => {
    expect(decodeError(P1_BARE_NAN, p1Mapping).code).toBe('PAYLOAD_JSON_INVALID');
  });

  it('tells how to accept NaN', () => {
    expect(decodeError(P1_BARE_NAN, p1Mapping).reason).toContain('lenient');
  });

  it('keeps payload excerpt in error', () => {
    expect(decodeError(P1_BARE_NAN, p1Mapping).excerpt).toBe(P1_BARE_NAN);
  });

  it('leaves topic out of reason', () => {
    expect(decodeError(P1_BARE_NAN, p1Mapping).reason).not.toContain('sensors/');
  });

  it('drops NaN field when lenient', () => {
    const [sample] = decode(P1_LENIENT_NAN, lenientMapping);
    expect(fieldValues(sample)).toEqual({ humidity_pct: 41 });
  });

  it('reports dropped NaN field', () => {
    const [sample] = decode(P1_LENIENT_NAN, lenientMapping);
    expect(errorCodes(sample)).toEqual({ air_temp_c: 'FIELD_NULL' });
  });

  it.each([['-Infinity'], ['Infinity'], ['inf'], ['-inf'], ['NAN']])('drops lenient %s token', (token) => {
    const [sample] = decode(`{"temperature":${token},"humidity":41.0}`, lenientMapping);
    expect(fieldValues(sample)).toEqual({ humidity_pct: 41 });
  });

  it('leaves NaN inside strings alone', () => {
    const [sample] = decode('{"temperature":"NaN","humidity":"nan: 1"}', { ...lenientMapping, lenient: false });
    expect(errorCodes(sample)).toEqual({ air_temp_c: 'FIELD_NOT_NUMBER', humidity_pct: 'FIELD_NOT_NUMBER' });
  });

  it('keeps key named NaN', () => {
    const mapping: PayloadMapping = { format: 'json', fields: [{ name: 'count', type: 'integer', path: 'NaN' }] };
    expect(fieldValues(decode('{"NaN":3}', mapping)[0])).toEqual({ count: 3 });
  });

  it('never produces NaN values', () => {
    const samples = decode('{"temperature":NaN,"humidity":NaN}', lenientMapping);
    const values = samples.flatMap((sample) => sample.fields.map((field) => field.value));
    expect(values.some((value) => typeof value === 'number' && !Number.isFinite(value))).toBe(false);
  });

  it('rejects truncated JSON', () => {
    expect(decodeError('{"temperature":4', lenientMapping).code).toBe('PAYLOAD_JSON_INVALID');
  });

  it('rejects invalid UTF-8', () => {
    expect(decodeError(Buffer.from([0x7b, 0xff, 0x7d]), lenientMapping).code).toBe('PAYLOAD_NOT_UTF8');
  });

  it('reads UTF-8 beyond ASCII', () => {
    const samples = decode('{"name":"Kühlraum 2 °C","temperature":4.5}', p1Mapping);
    expect(fieldValues(samples[0])).toMatchObject({ probe_name: 'Kühlraum 2 °C' });
  });

  it('drops a UTF-8 byte order mark', () => {
    const payload = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"name":"Kühlraum 2 °C"}')]);
    const samples = decodePayload('DEV-0001', payload, p1Mapping, context);
    expect(fieldValues(samples[0])).toMatchObject({ probe_name: 'Kühlraum 2 °C' });
  });

  it('rejects Latin-1 text', () => {
    expect(decodeError(Buffer.from('{"name":"K\xfchlraum"}', 'latin1'), p1Mapping).code).toBe('PAYLOAD_NOT_UTF8');
  });

  it('rejects a NUL byte in ASCII', () => {
    expect(decodeError(Buffer.from('{"name":"a\u0000"}'), p1Mapping).code).toBe('PAYLOAD_NOT_UTF8');
  });

  it('bounds excerpt length', () => {
    const long = `{"temperature":NaN,"pad":"${'x'.repeat(5000)}"}`;
    const excerpt = decodeError(long, p1Mapping).excerpt;
    expect(excerpt.length).toBeLessThanOrEqual(PAYLOAD_EXCERPT_MAX_CHARS + 20);
  });

  it('escapes control characters in excerpt', () => {
    expect(decodeError('{"a":\u0001}', p1Mapping).excerpt).toBe('{"a":\\u0001}');
  });
});

describe('json-codec string numbers', () => {
  it('coerces numeric strings', () => {
    const [sample] = decode(P2_STRING_NUMBERS, p2Mapping);
    expect(fieldValues(sample)).toEqual({
      battery_v: 3.073,
      humidity_pct: 37.8,
      probe_temp_c: 327.67,
      air_temp_c: 36.16,
    });
  });

  it('passes sentinel value exactly', () => {
    const [sample] = decode(P2_STRING_NUMBERS, p2Mapping);
    const probe = sample?.fields.find((field) => field.spec.name === 'probe_temp_c');
    expect(probe?.spec.sentinels?.includes(probe.value as number)).toBe(true);
  });

  it('passes scaled sentinel exactly', () => {
    const mapping: PayloadMapping = {
      format: 'json',
      fields: [{ name: 'probe_temp_c', type: 'float', unit: 'C', path: 'raw', scale: 0.01, sentinels: [327.67] }],
    };
    const [sample] = decode('{"raw":32767}', mapping);
    expect(sample?.fields[0]?.value).toBe(327.67);
  });

  it('reports missing field per field', () => {
    const [sample] = decode('{"payload_fields":{"BatV":3.0}}', p2Mapping);
    expect(errorCodes(sample)).toEqual({
      humidity_pct: 'FIELD_MISSING',
      probe_temp_c: 'FIELD_MISSING',
      air_temp_c: 'FIELD_MISSING',
    });
  });

  it('keeps fields next to missing ones', () => {
    const [sample] = decode('{"payload_fields":{"BatV":3.0}}', p2Mapping);
    expect(fieldValues(sample)).toEqual({ battery_v: 3 });
  });
});

describe('json-codec time and sequence', () => {
  it('reads ISO time', () => {
    const [sample] = decode('{"ts":"2026-12-04T13:00:00Z","temperature":8.77}', p3Mapping);
    expect(sample?.source_time_ms).toBe(Date.UTC(2026, 11, 4, 13));
  });

  it('reads epoch seconds time', () => {
    const [sample] = decode('{"ts":1796392800,"temperature":8.77}', p3Mapping);
    expect(sample?.source_time_ms).toBe(1_796_392_800_000);
  });

  it('reads epoch milliseconds time', () => {
    const [sample] = decode('{"ts":1796392800123,"temperature":8.77}', p3Mapping);
    expect(sample?.source_time_ms).toBe(1_796_392_800_123);
  });

  it('reports missing time', () => {
    const [sample] = decode(P3_RETAINED, p3Mapping);
    expect(errorCodes(sample).time).toBe('TIME_MISSING');
  });

  it('leaves source time unset without time', () => {
    const [sample] = decode(P3_RETAINED, p3Mapping);
    expect(sample?.source_time_ms).toBeUndefined();
  });

  it('reports invalid time', () => {
    const [sample] = decode('{"ts":"yesterday","temperature":8.77}', p3Mapping);
    expect(errorCodes(sample).time).toBe('TIME_INVALID');
  });

  it('copies receive time and retain flag', () => {
    const [sample] = decode(P3_RETAINED, p3Mapping, true);
    expect([sample?.receive_time_ms, sample?.retained]).toEqual([context.receive_time_ms, true]);
  });

  it('reads sequence number', () => {
    const mapping = { ...p3Mapping, sequence_path: 'seq' };
    expect(decode('{"seq":"41","temperature":1}', mapping)[0]?.sequence).toBe(41);
  });

  it('reports negative sequence', () => {
    const mapping = { ...p3Mapping, sequence_path: 'seq' };
    expect(errorCodes(decode('{"seq":-1,"temperature":1}', mapping)[0]).sequence).toBe('SEQUENCE_INVALID');
  });
});

describe('json-codec top level', () => {
  const room: PayloadMapping = {
    format: 'json',
    time_path: 'ts',
    sequence_path: 'seq',
    fields: [
      { name: 'air_temp_c', type: 'float', unit: 'C', path: 'temp_c' },
      { name: 'door_open', type: 'boolean', path: '$.state.door' },
    ],
  };

  it.each([
    ['null', 'null'],
    ['[]', 'an array of 0'],
    ['[{"temp_c":4}]', 'an array of 1'],
    ['4.5', 'a number'],
    ['"4.5"', 'a string'],
    ['true', 'a boolean'],
  ])('rejects %s where an object belongs', (payload, described) => {
    const error = decodeError(payload, room);
    expect(error.code).toBe('PAYLOAD_NOT_OBJECT');
    expect(error.reason).toBe(
      `payload is ${described}, expected a JSON object with keys temp_c, state, ts, seq; ` +
        "fix the device payload, or the mapping's paths",
    );
  });

  it('keeps field errors for an empty object', () => {
    const [sample] = decode('{}', room);
    expect(Object.values(errorCodes(sample))).toEqual([
      'TIME_MISSING',
      'SEQUENCE_MISSING',
      'FIELD_MISSING',
      'FIELD_MISSING',
    ]);
  });

  it('reads an array by index path', () => {
    const mapping: PayloadMapping = { format: 'json', fields: [{ name: 'air_temp_c', type: 'float', path: '$[1]' }] };
    expect(fieldValues(decode('[3, 4.5]', mapping)[0])).toEqual({ air_temp_c: 4.5 });
  });

  it('rejects an object for an index path', () => {
    const mapping: PayloadMapping = { format: 'json', fields: [{ name: 'air_temp_c', type: 'float', path: '$[1]' }] };
    expect(decodeError('{"temp_c":4}', mapping).reason).toMatch(/^payload is an object, expected a JSON array;/);
  });

  it('reads a bare value at $', () => {
    const mapping: PayloadMapping = { format: 'json', fields: [{ name: 'air_temp_c', type: 'float', path: '$' }] };
    expect(fieldValues(decode('4.5', mapping)[0])).toEqual({ air_temp_c: 4.5 });
  });

  it('reports a null value at $ as a field', () => {
    const mapping: PayloadMapping = { format: 'json', fields: [{ name: 'air_temp_c', type: 'float', path: '$' }] };
    expect(errorCodes(decode('null', mapping)[0])).toEqual({ air_temp_c: 'FIELD_NULL' });
  });
});

describe('json-codec split', () => {
  const reefer: PayloadMapping = {
    format: 'json',
    time_path: 'ts',
    fields: [{ name: 'battery_v', type: 'float', unit: 'V', path: 'battery' }],
    split: {
      path: 'compartments',
      tag_name: 'compartment',
      tag_path: 'id',
      fields: [
        { name: 'air_temp_c', type: 'float', unit: 'C', path: 'temp' },
        { name: 'door_open', type: 'boolean', path: 'door' },
      ],
    },
  };
  const payload = JSON.stringify({
    ts: 1_796_392_800,
    battery: 12.6,
    compartments: [
      { id: 'front', temp: -18.5, door: 'closed' },
      { id: 2, temp: '4.0', door: 1 },
    ],
  });

  it('emits one sample per element', () => {
    expect(decode(payload, reefer)).toHaveLength(2);
  });

  it('tags each element', () => {
    expect(decode(payload, reefer).map((sample) => sample.tags)).toEqual([
      { compartment: 'front' },
      { compartment: '2' },
    ]);
  });

  it('adds root fields to every element', () => {
    expect(decode(payload, reefer).map(fieldValues)).toEqual([
      { battery_v: 12.6, air_temp_c: -18.5, door_open: false },
      { battery_v: 12.6, air_temp_c: 4, door_open: true },
    ]);
  });

  it('shares source time across elements', () => {
    expect(decode(payload, reefer).map((sample) => sample.source_time_ms)).toEqual([
      1_796_392_800_000, 1_796_392_800_000,
    ]);
  });

  it('drops element without tag', () => {
    const [sample] = decode('{"ts":1796392800,"battery":12,"compartments":[{"temp":1}]}', reefer);
    expect(sample?.fields).toEqual([]);
  });

  it('reports element without tag', () => {
    const [sample] = decode('{"ts":1796392800,"battery":12,"compartments":[{"temp":1}]}', reefer);
    expect(errorCodes(sample).compartment).toBe('TAG_MISSING');
  });

  it('keeps element errors separate', () => {
    const samples = decode('{"ts":1796392800,"battery":12,"compartments":[{"id":"a"},{"id":"b","temp":2}]}', reefer);
    expect(samples.map((sample) => sample.errors.length)).toEqual([2, 1]);
  });

  it('returns no samples for empty array', () => {
    expect(decode('{"ts":1796392800,"compartments":[]}', reefer)).toEqual([]);
  });

  it('rejects split path that is not array', () => {
    expect(decodeError('{"compartments":{"id":"a"}}', reefer).code).toBe('PAYLOAD_SPLIT_NOT_ARRAY');
  });
});

describe('json-codec number format', () => {
  const numberMapping: PayloadMapping = {
    format: 'number',
    fields: [{ name: 'air_temp_c', type: 'float', unit: 'C', path: '$', scale: 0.1 }],
  };

  it('reads plain number payload', () => {
    expect(fieldValues(decode(' -185\n', numberMapping)[0])).toEqual({ air_temp_c: -18.5 });
  });

  it('rejects non-number payload', () => {
    expect(decodeError('{"t":1}', numberMapping).code).toBe('PAYLOAD_NOT_NUMBER');
  });

  it('rejects NaN payload unless lenient', () => {
    expect(decodeError('NaN', numberMapping).code).toBe('PAYLOAD_NOT_NUMBER');
  });

  it('reports lenient NaN payload as dropped field', () => {
    const [sample] = decode('nan', { ...numberMapping, lenient: true });
    expect(errorCodes(sample)).toEqual({ air_temp_c: 'FIELD_NULL' });
  });

  it('rejects number mapping with two fields', () => {
    const mapping: PayloadMapping = {
      format: 'number',
      fields: [
        { name: 'a', type: 'float', path: '$' },
        { name: 'b', type: 'float', path: '$' },
      ],
    };
    expect(() => decode('1', mapping)).toThrow(PayloadMappingError);
  });
});

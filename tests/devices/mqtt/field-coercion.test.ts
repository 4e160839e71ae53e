import { describe, expect, it } from 'vitest';
import { applyScale, coerceField } from '../../../devices/mqtt/field-coercion.js';
import type { FieldSpec } from '../../../devices/sample.js';

const float: FieldSpec = { name: 'air_temp_c', type: 'float', unit: 'C' };
const integer: FieldSpec = { name: 'battery_pct', type: 'integer', unit: 'percent' };
const flag: FieldSpec = { name: 'door_open', type: 'boolean' };
const text: FieldSpec = { name: 'probe_name', type: 'string' };

function coercedValue(spec: FieldSpec, value: unknown, lenient = false): unknown {
  const coerced = coerceField(spec, value, lenient);
  return coerced.ok ? coerced.field.value : `error:${coerced.error.code}`;
}

describe('field-coercion', () => {
  it.each([
    [3.073, 3.073],
    ['37.8', 37.8],
    ['-0.5', -0.5],
    ['+4', 4],
    ['1e3', 1000],
    ['.25', 0.25],
  ])('coerces %j to float %j', (input, expected) => {
    expect(coercedValue(float, input)).toBe(expected);
  });

  it.each<[unknown, string]>([
    ['', 'empty string'],
    [' 37.8', 'leading blank'],
    ['37.8 C', 'unit suffix'],
    ['0x1F', 'hex text'],
    ['NaN', 'NaN text'],
    ['Infinity', 'Infinity text'],
    ['1e999', 'overflowing text'],
    [true, 'boolean'],
    [{}, 'object'],
    [[1], 'array'],
  ])('rejects %j as float (%s)', (input) => {
    expect(coercedValue(float, input)).toBe('error:FIELD_NOT_NUMBER');
  });

  it('trims numeric string when lenient', () => {
    expect(coercedValue(float, ' 37.8 ', true)).toBe(37.8);
  });

  it('names an overflowing JSON number', () => {
    const result = coerceField(float, JSON.parse('1e999'));
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.message).toBe(
      'air_temp_c: expected a number or numeric string, got Infinity (beyond the range of a 64-bit float)',
    );
  });

  it('reports null as dropped field', () => {
    expect(coercedValue(float, null)).toBe('error:FIELD_NULL');
  });

  it('applies scale before offset', () => {
    expect(coercedValue({ ...float, scale: 0.1, offset: -40 }, 600)).toBe(20);
  });

  it('keeps sentinel exact after scaling', () => {
    expect(coercedValue({ ...float, scale: 0.01 }, 32767)).toBe(327.67);
  });

  it('keeps sentinel exact from string', () => {
    expect(coercedValue(float, '327.67')).toBe(327.67);
  });

  it('rejects overflow after scaling', () => {
    expect(coercedValue({ ...float, scale: 10 }, 1e308)).toBe('error:FIELD_OUT_OF_RANGE');
  });

  it('coerces integer string', () => {
    expect(coercedValue(integer, '74')).toBe(74);
  });

  it('rejects fractional integer', () => {
    expect(coercedValue(integer, 74.5)).toBe('error:FIELD_NOT_INTEGER');
  });

  it('rejects integer scaled to fraction', () => {
    expect(coercedValue({ ...integer, scale: 0.1 }, 745)).toBe('error:FIELD_NOT_INTEGER');
  });

  it.each([
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ['1', true],
    ['0', false],
    ['on', true],
    ['OFF', false],
    ['open', true],
    ['closed', false],
    ['true', true],
    ['False', false],
  ])('coerces %j to boolean %j', (input, expected) => {
    expect(coercedValue(flag, input)).toBe(expected);
  });

  it.each<[unknown]>([[2], ['yes'], [''], [{}]])('rejects %j as boolean', (input) => {
    expect(coercedValue(flag, input)).toBe('error:FIELD_NOT_BOOLEAN');
  });

  it('keeps string as is', () => {
    expect(coercedValue(text, 'T-PROBE-01')).toBe('T-PROBE-01');
  });

  it('writes number as string', () => {
    expect(coercedValue(text, 12)).toBe('12');
  });

  it('rejects object as string', () => {
    expect(coercedValue(text, { a: 1 })).toBe('error:FIELD_NOT_STRING');
  });

  it('names field in error message', () => {
    const coerced = coerceField(float, 'warm');
    expect(coerced.ok ? '' : coerced.error.message).toContain('air_temp_c');
  });
});

describe('applyScale', () => {
  it.each([
    [387, 0.1, 0, 38.7],
    [2653, 0.01, 0, 26.53],
    [-10, 0.01, 0, -0.1],
    [1, 0.1, 0.2, 0.3],
    [5, 1, 0, 5],
    [1.5e-3, 1000, 0, 1.5],
  ])('scales %d by %d plus %d to %d', (value, scale, offset, expected) => {
    expect(applyScale(value, scale, offset)).toBe(expected);
  });
});

import type { RawField } from '../../devices/sample.js';
import { tidy } from '../../devices/tidy.js';
import type { FieldValue } from '../reading.js';
import { toStoredUnit } from './units.js';

/** Why a field value was not stored. Codes are stable: they are written to `sensor_fault`. */
export type FieldFaultCode =
  | 'SENSOR_SENTINEL'
  | 'SENSOR_OUT_OF_RANGE'
  | 'SENSOR_NOT_A_NUMBER'
  | 'SENSOR_NOT_INTEGER'
  | 'SENSOR_NOT_BOOLEAN';

export type FieldOutcome =
  | { kind: 'value'; value: FieldValue }
  | { kind: 'missing' }
  | { kind: 'fault'; code: FieldFaultCode; raw: string };

function isSentinel(value: number, sentinels: readonly number[] | undefined): boolean {
  if (!sentinels) return false;
  return sentinels.some((sentinel) => Math.abs(value - sentinel) <= 1e-9 * Math.max(1, Math.abs(sentinel)));
}

function toNumber(value: RawField['value']): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return undefined;
}

/** Builds the fault outcome of a field. The raw value is formatted only here, not for every reading. */
function fault(field: RawField, code: FieldFaultCode): FieldOutcome {
  return { kind: 'fault', code, raw: String(field.value) };
}

function normaliseNumber(field: RawField): FieldOutcome {
  const { spec } = field;
  const number = toNumber(field.value);
  if (number === undefined || !Number.isFinite(number)) return fault(field, 'SENSOR_NOT_A_NUMBER');
  if (isSentinel(number, spec.sentinels)) return fault(field, 'SENSOR_SENTINEL');
  const stored = tidy(toStoredUnit(number, spec.unit));
  if (
    (spec.valid_min !== undefined && stored < spec.valid_min) ||
    (spec.valid_max !== undefined && stored > spec.valid_max)
  ) {
    return fault(field, 'SENSOR_OUT_OF_RANGE');
  }
  if (spec.type === 'integer') {
    if (!Number.isInteger(stored)) return fault(field, 'SENSOR_NOT_INTEGER');
    return { kind: 'value', value: stored };
  }
  return { kind: 'value', value: stored };
}

const trueWords = new Set(['true', 'on', 'open', '1', 'yes']);
const falseWords = new Set(['false', 'off', 'closed', '0', 'no']);

function normaliseBoolean(field: RawField): FieldOutcome {
  const { value } = field;
  if (typeof value === 'boolean') return { kind: 'value', value };
  if (typeof value === 'number' && (value === 0 || value === 1)) return { kind: 'value', value: value === 1 };
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (trueWords.has(word)) return { kind: 'value', value: true };
    if (falseWords.has(word)) return { kind: 'value', value: false };
  }
  return { kind: 'fault', code: 'SENSOR_NOT_BOOLEAN', raw: String(value) };
}

/**
 * Turns one raw field into a stored value of its declared type: sentinel check in the device's unit,
 * conversion to the stored unit (°C), range check, then type check. A value that fails is a fault, never
 * a reading: a probe fault must not look like a temperature.
 */
export function normaliseField(field: RawField): FieldOutcome {
  if (field.value === null || field.value === undefined) return { kind: 'missing' };
  switch (field.spec.type) {
    case 'boolean':
      return normaliseBoolean(field);
    case 'string':
      return { kind: 'value', value: String(field.value) };
    default:
      return normaliseNumber(field);
  }
}

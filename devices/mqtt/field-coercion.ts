/**
 * Turns one JSON value into a field value of the declared type, with scale and offset applied. The
 * result is never NaN or Infinity: a value that cannot be read becomes a `FieldError` instead.
 */
import type { FieldError, FieldSpec, RawField } from '../sample.js';

/** Plain decimal number text as JSON writes it, with an optional leading `+`. */
const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const TRUE_WORDS = new Set(['true', '1', 'on', 'open']);
const FALSE_WORDS = new Set(['false', '0', 'off', 'closed']);

/** Result of coercing one value: the field, or the reason it was dropped. */
export type Coerced = { ok: true; field: RawField } | { ok: false; error: FieldError };

function fieldError(spec: FieldSpec, code: string, message: string): Coerced {
  return { ok: false, error: { field: spec.name, code, message } };
}

function describe(value: unknown): string {
  // Objects and arrays are named, not serialised: a deeply nested payload would overflow the stack.
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  // JSON.parse reads 1e999 as Infinity, which JSON.stringify would print as null.
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} (beyond the range of a 64-bit float)`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Number of digits after the decimal point in the shortest text of `value` (`1.5e-3` has 4). */
function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = value.toString().split('e');
  const fraction = mantissa.split('.')[1] ?? '';
  return Math.max(0, fraction.length - Number(exponent));
}

/**
 * Applies `value × scale + offset` and rounds away binary noise: the result keeps as many decimals as
 * the inputs carry together, so 32767 × 0.01 is 327.67 and 0.1 + 0.2 is 0.3. Results that would need
 * more than 15 decimals are left unrounded.
 */
export function applyScale(value: number, scale = 1, offset = 0): number {
  if (scale === 1 && offset === 0) return value;
  const scaledPlaces = decimalPlaces(value) + decimalPlaces(scale);
  let result = value * scale;
  if (scaledPlaces <= 15) result = Number(result.toFixed(scaledPlaces));
  if (offset === 0) return result;
  const places = Math.max(scaledPlaces, decimalPlaces(offset));
  result += offset;
  return places <= 15 ? Number(result.toFixed(places)) : result;
}

/** Reads a JSON number or numeric string, or returns `null` when it is neither. */
function readNumber(value: unknown, lenient: boolean): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = lenient ? value.trim() : value;
  if (!NUMERIC_TEXT.test(text)) return null;
  const number = Number(text);
  return Number.isFinite(number) ? number : null;
}

function coerceNumber(spec: FieldSpec, value: unknown, lenient: boolean): Coerced {
  const raw = readNumber(value, lenient);
  if (raw === null) {
    return fieldError(
      spec,
      'FIELD_NOT_NUMBER',
      `${spec.name}: expected a number or numeric string, got ${describe(value)}`,
    );
  }
  const scaled = applyScale(raw, spec.scale, spec.offset);
  if (!Number.isFinite(scaled)) {
    return fieldError(spec, 'FIELD_OUT_OF_RANGE', `${spec.name}: ${describe(value)} scaled is not a finite number`);
  }
  if (spec.type === 'integer' && !Number.isSafeInteger(scaled)) {
    return fieldError(
      spec,
      'FIELD_NOT_INTEGER',
      `${spec.name}: ${describe(value)} scaled is ${scaled}, not a safe integer; declare the field float`,
    );
  }
  return { ok: true, field: { spec, value: scaled } };
}

function coerceBoolean(spec: FieldSpec, value: unknown): Coerced {
  if (typeof value === 'boolean') return { ok: true, field: { spec, value } };
  const word = typeof value === 'number' || typeof value === 'string' ? String(value).trim().toLowerCase() : '';
  if (TRUE_WORDS.has(word)) return { ok: true, field: { spec, value: true } };
  if (FALSE_WORDS.has(word)) return { ok: true, field: { spec, value: false } };
  return fieldError(
    spec,
    'FIELD_NOT_BOOLEAN',
    `${spec.name}: expected true/false, 1/0, on/off or open/closed, got ${describe(value)}`,
  );
}

function coerceString(spec: FieldSpec, value: unknown): Coerced {
  if (typeof value === 'string') return { ok: true, field: { spec, value } };
  if (typeof value === 'number' || typeof value === 'boolean')
    return { ok: true, field: { spec, value: String(value) } };
  return fieldError(spec, 'FIELD_NOT_STRING', `${spec.name}: expected a string, got ${describe(value)}`);
}

/**
 * Coerces `value` to `spec.type`. Numeric fields accept numbers and numeric strings (`"37.8"`), and
 * `lenient` also trims blanks around them. `null` (also what lenient parsing makes of a bare NaN) is a
 * `FIELD_NULL` error, never a value.
 */
export function coerceField(spec: FieldSpec, value: unknown, lenient = false): Coerced {
  if (value === null) {
    return fieldError(spec, 'FIELD_NULL', `${spec.name}: value is null, NaN or Infinity, so the field is dropped`);
  }
  switch (spec.type) {
    case 'float':
    case 'integer':
      return coerceNumber(spec, value, lenient);
    case 'boolean':
      return coerceBoolean(spec, value);
    case 'string':
      return coerceString(spec, value);
  }
}

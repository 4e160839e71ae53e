/**
 * Serialises a `Reading` to one InfluxDB 1.x line-protocol line:
 * `measurement,tag=value field=value timestamp`. Escaping follows the "Special characters" section of the
 * InfluxDB 1.x line protocol reference. Measurements escape commas and spaces. Tag keys, tag values and
 * field keys escape commas, equals signs and spaces. String field values escape double quotes and backslashes.
 */
import type { Reading } from '../reading.js';
import { LineProtocolError } from './output-errors.js';

/** Timestamp precision of the written lines, sent as the `precision` query parameter of /write. */
export type TimePrecision = 'ms' | 'ns';

/** A field left out of the line, with the reason. */
export interface DroppedField {
  field: string;
  /** `null`, `nan`, `infinite`, `not_integer`, `integer_unsafe`, `newline`, `string_too_long` or `type_invalid`. */
  reason: string;
}

/** Result of serialising one reading. */
export interface LineResult {
  /** The line, or `null` when no valid field was left (the point is dropped). */
  line: string | null;
  dropped_fields: DroppedField[];
}

/** InfluxDB 1.x limit on a string field value: 64 KiB. */
const MAX_STRING_FIELD_BYTES = 65_535;

const NANOSECONDS_PER_MILLISECOND = 1_000_000n;

function escapeMeasurement(name: string): string {
  return name.replace(/[, ]/g, (character) => `\\${character}`);
}

function escapeKeyOrTagValue(text: string): string {
  return text.replace(/[,= ]/g, (character) => `\\${character}`);
}

function escapeStringField(text: string): string {
  return text.replace(/["\\]/g, (character) => `\\${character}`);
}

/**
 * Checks a measurement, tag key, tag value or field key. InfluxDB 1.x has no escape for a newline, and
 * a trailing backslash escapes the separator that follows it, so both are rejected.
 */
function checkName(kind: string, text: string, measurement: string): void {
  if (text.length === 0) {
    throw new LineProtocolError(
      'LINE_NAME_INVALID',
      `${kind} of measurement "${measurement}" is empty; give it a name`,
    );
  }
  if (/[\r\n]/.test(text)) {
    throw new LineProtocolError(
      'LINE_NEWLINE',
      `${kind} ${JSON.stringify(text)} of measurement "${measurement}" contains a newline, which InfluxDB 1.x cannot store; remove it from the configuration`,
    );
  }
  if (text.endsWith('\\')) {
    throw new LineProtocolError(
      'LINE_TRAILING_BACKSLASH',
      `${kind} ${JSON.stringify(text)} of measurement "${measurement}" ends in a backslash, which InfluxDB 1.x cannot store; remove the trailing backslash`,
    );
  }
}

function checkKey(kind: string, key: string, measurement: string): void {
  checkName(kind, key, measurement);
  if (key === 'time') {
    throw new LineProtocolError(
      'LINE_RESERVED_KEY',
      `${kind} "time" of measurement "${measurement}" is reserved by InfluxDB for the timestamp; rename it`,
    );
  }
}

/** Compares as Go's bytes.Compare on UTF-8, the order InfluxDB keeps tags in. */
function compareUtf8(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}

/** Serialises the measurement and the tag set, sorted by key; tags with an empty value are left out. */
function formatSeriesKey(reading: Reading): string {
  checkName('measurement', reading.measurement, reading.measurement);
  if (reading.measurement.startsWith('#')) {
    throw new LineProtocolError(
      'LINE_NAME_INVALID',
      `measurement "${reading.measurement}" starts with "#", which InfluxDB reads as a comment line; rename it`,
    );
  }
  const keys = Object.keys(reading.tags).sort(compareUtf8);
  let key = escapeMeasurement(reading.measurement);
  for (const tagKey of keys) {
    const value: unknown = reading.tags[tagKey];
    if (typeof value !== 'string') {
      throw new LineProtocolError(
        'LINE_NAME_INVALID',
        `tag ${tagKey} of measurement "${reading.measurement}" is ${String(value)}, not a string`,
      );
    }
    checkKey('tag key', tagKey, reading.measurement);
    if (value === '') continue;
    checkName(`tag ${tagKey} value`, value, reading.measurement);
    key += `,${escapeKeyOrTagValue(tagKey)}=${escapeKeyOrTagValue(value)}`;
  }
  return key;
}

/** Formats one field value, or returns the reason it cannot be written. */
function formatFieldValue(value: unknown, isInteger: boolean): { text: string } | { reason: string } {
  if (value === null || value === undefined) return { reason: 'null' };
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false' };
  if (typeof value === 'string') {
    if (/[\r\n]/.test(value)) return { reason: 'newline' };
    if (Buffer.byteLength(value, 'utf8') > MAX_STRING_FIELD_BYTES) return { reason: 'string_too_long' };
    return { text: `"${escapeStringField(value)}"` };
  }
  if (typeof value === 'bigint') return { text: `${value}i` };
  if (typeof value !== 'number') return { reason: 'type_invalid' };
  if (Number.isNaN(value)) return { reason: 'nan' };
  if (!Number.isFinite(value)) return { reason: 'infinite' };
  if (!isInteger) return { text: String(value) };
  if (!Number.isInteger(value)) return { reason: 'not_integer' };
  if (!Number.isSafeInteger(value)) return { reason: 'integer_unsafe' };
  return { text: `${value}i` };
}

/** Formats the timestamp from integer milliseconds; nanoseconds are computed in BigInt, never as a float. */
export function formatTimestamp(time_ms: number, precision: TimePrecision): string {
  if (!Number.isSafeInteger(time_ms)) {
    throw new LineProtocolError(
      'LINE_TIME_INVALID',
      `timestamp ${time_ms} is not an integer number of milliseconds; round it before writing`,
    );
  }
  if (precision === 'ms') return String(time_ms);
  return (BigInt(time_ms) * NANOSECONDS_PER_MILLISECOND).toString();
}

/**
 * Serialises one reading. Fields that InfluxDB 1.x cannot store (null, NaN, ±Infinity, a newline in a
 * string) are left out and listed in `dropped_fields`, and `line` is `null` when no field is left.
 * Numbers get the `i` suffix only when the field is in `integer_fields`, so a float field that
 * contains 21 is written `21`. Throws `LineProtocolError` for a bad measurement, tag, field key or timestamp.
 */
export function toLine(reading: Reading, precision: TimePrecision = 'ms'): LineResult {
  const seriesKey = formatSeriesKey(reading);
  const timestamp = formatTimestamp(reading.time_ms, precision);
  const fieldTexts: string[] = [];
  const dropped_fields: DroppedField[] = [];
  for (const [field, value] of Object.entries(reading.fields)) {
    checkKey('field key', field, reading.measurement);
    const formatted = formatFieldValue(value, reading.integer_fields.has(field));
    if ('reason' in formatted) {
      dropped_fields.push({ field, reason: formatted.reason });
      continue;
    }
    fieldTexts.push(`${escapeKeyOrTagValue(field)}=${formatted.text}`);
  }
  if (fieldTexts.length === 0) return { line: null, dropped_fields };
  return { line: `${seriesKey} ${fieldTexts.join(',')} ${timestamp}`, dropped_fields };
}

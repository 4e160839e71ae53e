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
  dropped_fields: readonly DroppedField[];
}

/** `dropped_fields` of every line that kept all its fields, shared instead of an empty array per line. */
const NO_DROPPED_FIELDS: readonly DroppedField[] = Object.freeze([]);

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

/** Code units from which UTF-16 order and UTF-8 byte order can differ (surrogates and above). */
const HIGH_CODE_UNITS = /[\uD800-\uFFFF]/;

/** Compares as Go's bytes.Compare on UTF-8, the order InfluxDB keeps tags in. */
function compareUtf8(left: string, right: string): number {
  if (!HIGH_CODE_UNITS.test(left) && !HIGH_CODE_UNITS.test(right)) {
    // Below U+D800, UTF-16 code units sort as the UTF-8 bytes of the same text.
    if (left < right) return -1;
    return left > right ? 1 : 0;
  }
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}

/**
 * Results of the name checks and escapes, by input. A fleet repeats the same few measurements, tag sets
 * and field keys in every reading, so each is checked and escaped once. Only names that passed the
 * checks are kept; the map is emptied when it reaches `max_entries`.
 */
class NameCache {
  private readonly entries = new Map<string, string>();

  constructor(private readonly max_entries: number) {}

  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: string): void {
    if (this.entries.size >= this.max_entries) this.entries.clear();
    this.entries.set(key, value);
  }
}

const seriesKeys = new NameCache(16_384);
const fieldKeys = new NameCache(1_024);

/**
 * Identity of a measurement and tag set, in the tags' own order. Every name is prefixed with its length,
 * so two different tag sets never share an identity whatever characters their names contain.
 */
function seriesIdentity(reading: Reading): string | undefined {
  let identity = `${reading.measurement.length}:${reading.measurement}`;
  for (const tagKey in reading.tags) {
    const value: unknown = reading.tags[tagKey];
    if (typeof value !== 'string') return undefined;
    identity += `|${tagKey.length}:${tagKey}=${value.length}:${value}`;
  }
  return identity;
}

/**
 * Series keys by frozen tag object. The pipeline gives every reading of a device the same frozen tag set,
 * so its key is found without building an identity string. The measurement is compared as well, because
 * one tag set can serve several measurements.
 */
const keysByTags = new WeakMap<object, { measurement: string; key: string }>();

/**
 * Returns a copy of `text` in one block, because V8 keeps a concatenated string as a tree of its parts.
 * The UTF-16 round trip keeps lone surrogates as they are.
 */
function flatCopy(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}

/**
 * Returns the series key of a reading. The key of a frozen tag set is kept in `keysByTags` only. A tag
 * set that serves a second measurement, or is not frozen, goes through the cache by identity string.
 */
function seriesKeyOf(reading: Reading): string {
  if (!Object.isFrozen(reading.tags)) return seriesKeyByIdentity(reading);
  const known = keysByTags.get(reading.tags);
  if (known !== undefined && known.measurement === reading.measurement) return known.key;
  const key = known === undefined ? flatCopy(formatSeriesKey(reading)) : seriesKeyByIdentity(reading);
  keysByTags.set(reading.tags, { measurement: reading.measurement, key });
  return key;
}

/** Returns the series key of a reading from the cache by its identity string, or formats it. */
function seriesKeyByIdentity(reading: Reading): string {
  const identity = seriesIdentity(reading);
  if (identity === undefined) return formatSeriesKey(reading);
  const cached = seriesKeys.get(identity);
  if (cached !== undefined) return cached;
  const key = flatCopy(formatSeriesKey(reading));
  seriesKeys.set(flatCopy(identity), key);
  return key;
}

/** Checks and escapes a field key, or returns the result cached for it. */
function fieldKeyOf(field: string, measurement: string): string {
  const cached = fieldKeys.get(field);
  if (cached !== undefined) return cached;
  checkKey('field key', field, measurement);
  const escaped = escapeKeyOrTagValue(field);
  fieldKeys.set(field, escaped);
  return escaped;
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
  const seriesKey = seriesKeyOf(reading);
  const timestamp = formatTimestamp(reading.time_ms, precision);
  let fieldSet = '';
  let dropped_fields: DroppedField[] | undefined;
  for (const field in reading.fields) {
    const key = fieldKeyOf(field, reading.measurement);
    const value: unknown = reading.fields[field];
    const text =
      typeof value === 'number' && Number.isFinite(value) && !reading.integer_fields.has(field)
        ? String(value)
        : formatFieldValue(value, reading.integer_fields.has(field));
    if (typeof text !== 'string' && 'reason' in text) {
      dropped_fields ??= [];
      dropped_fields.push({ field, reason: text.reason });
      continue;
    }
    fieldSet += `${fieldSet === '' ? '' : ','}${key}=${typeof text === 'string' ? text : text.text}`;
  }
  const dropped = dropped_fields ?? NO_DROPPED_FIELDS;
  if (fieldSet === '') return { line: null, dropped_fields: dropped };
  return { line: `${seriesKey} ${fieldSet} ${timestamp}`, dropped_fields: dropped };
}

/**
 * Field type conflicts in InfluxDB 1.x write errors, and line-protocol edits that take the conflicting
 * fields out of a line. InfluxDB 1.6.7 names only the first conflict of a batch ("field type conflict:
 * input field "<f>" on measurement "<m>" is type <t>, already exists as type <t2>") and counts every
 * point it dropped in `dropped=N`. It prints the names as they are, without escaping quotes.
 */

/** One conflict that InfluxDB named: `field` of `measurement` was sent as `input_type`. */
export interface FieldTypeConflict {
  measurement: string;
  field: string;
  /** Type of the rejected value: `float`, `integer`, `string` or `boolean`. */
  input_type: string;
  /** Type the field already has in the shard, or an empty string when the error text was cut short. */
  existing_type: string;
}

/**
 * Non-greedy names, so that a name containing a double quote is still read up to the fixed text after it.
 * The existing type is optional because `responseError` cuts a long error text after 500 characters.
 */
const TYPE_CONFLICT =
  /field type conflict: input field "(.+?)" on measurement "(.+?)" is type (\w+)(?:, already exists as type (\w+))?/g;

/** Returns every field type conflict named in an InfluxDB error text, in order. */
export function parseFieldTypeConflicts(error: string): FieldTypeConflict[] {
  return [...error.matchAll(TYPE_CONFLICT)].map((match) => ({
    field: match[1] ?? '',
    measurement: match[2] ?? '',
    input_type: match[3] ?? '',
    existing_type: match[4] ?? '',
  }));
}

/** Returns the text InfluxDB uses for one conflict, which is also the reason of its dead letter. */
export function conflictText(conflict: FieldTypeConflict): string {
  const text = `field type conflict: input field "${conflict.field}" on measurement "${conflict.measurement}" is type ${conflict.input_type}`;
  return conflict.existing_type === '' ? text : `${text}, already exists as type ${conflict.existing_type}`;
}

/** A line split into its parts, with escapes kept as written. */
interface SplitLine {
  /** Measurement and tags, up to the first unescaped space. */
  series: string;
  /** Each field as written, `key=value`. */
  fields: string[];
  /** The timestamp with its leading space, or an empty string. */
  timestamp: string;
}

/** Returns the index of the first unescaped `separator` at or after `start` outside string values, or -1. */
function findUnescaped(line: string, separator: string, start: number, quotes: boolean): number {
  let quoted = false;
  for (let index = start; index < line.length; index += 1) {
    const character = line[index];
    if (character === '\\') {
      index += 1;
    } else if (quotes && character === '"') {
      quoted = !quoted;
    } else if (!quoted && character === separator) {
      return index;
    }
  }
  return -1;
}

/** Splits a line into series, fields and timestamp; returns undefined for a line without a field set. */
function splitLine(line: string): SplitLine | undefined {
  const seriesEnd = findUnescaped(line, ' ', 0, false);
  if (seriesEnd < 0) return undefined;
  const fieldsEnd = findUnescaped(line, ' ', seriesEnd + 1, true);
  const fieldSet = fieldsEnd < 0 ? line.slice(seriesEnd + 1) : line.slice(seriesEnd + 1, fieldsEnd);
  const fields: string[] = [];
  let start = 0;
  for (;;) {
    const end = findUnescaped(fieldSet, ',', start, true);
    fields.push(end < 0 ? fieldSet.slice(start) : fieldSet.slice(start, end));
    if (end < 0) break;
    start = end + 1;
  }
  return { series: line.slice(0, seriesEnd), fields, timestamp: fieldsEnd < 0 ? '' : line.slice(fieldsEnd) };
}

/** Removes the backslash of every escaped character, as InfluxDB reads a measurement or key. */
function unescapeName(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** Returns a field's key, unescaped, and its value text. */
function parseField(field: string): { key: string; value: string } {
  const equals = findUnescaped(field, '=', 0, false);
  if (equals < 0) return { key: unescapeName(field), value: '' };
  return { key: unescapeName(field.slice(0, equals)), value: field.slice(equals + 1) };
}

/** Returns the measurement of a line, unescaped. */
export function measurementOf(line: string): string {
  const end = findUnescaped(line, ',', 0, false);
  const space = findUnescaped(line, ' ', 0, false);
  const stop = end >= 0 && (space < 0 || end < space) ? end : space;
  return unescapeName(stop < 0 ? line : line.slice(0, stop));
}

/** Type InfluxDB gives a field value in line protocol. */
export function fieldTypeOf(value: string): string {
  if (value.startsWith('"')) return 'string';
  if (/^(t|T|true|True|TRUE|f|F|false|False|FALSE)$/.test(value)) return 'boolean';
  if (/^[-+]?\d+i$/.test(value)) return 'integer';
  return 'float';
}

/** Returns the keys of the fields of `line` that the conflicts name with the type the line gives them. */
export function conflictingFields(line: string, conflicts: readonly FieldTypeConflict[]): string[] {
  const split = splitLine(line);
  if (split === undefined) return [];
  const measurement = measurementOf(line);
  const keys: string[] = [];
  for (const field of split.fields) {
    const { key, value } = parseField(field);
    const named = conflicts.some(
      (conflict) =>
        conflict.measurement === measurement && conflict.field === key && conflict.input_type === fieldTypeOf(value),
    );
    if (named && !keys.includes(key)) keys.push(key);
  }
  return keys;
}

/**
 * Returns `line` with only the fields for which `keep(key)` is true, keys unescaped, or null when no
 * field is left. Series, field text and timestamp are kept as written.
 */
export function selectFields(line: string, keep: (key: string) => boolean): string | null {
  const split = splitLine(line);
  if (split === undefined) return null;
  const kept = split.fields.filter((field) => keep(parseField(field).key));
  if (kept.length === 0) return null;
  return `${split.series} ${kept.join(',')}${split.timestamp}`;
}

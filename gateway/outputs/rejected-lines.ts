/**
 * Finds which lines of a batch InfluxDB 1.x rejected, from the text of its 400 response. The server
 * names an unparsable line in full ("unable to parse '<line>': <reason>") and a field type conflict by
 * field and measurement ("field type conflict: input field "<f>" on measurement "<m>" is type <t>,
 * already exists as type <t2>"), as the 1.6 points parser and shard writer format them.
 */

/** Type InfluxDB reports for a field value in line protocol. */
function fieldTypeOf(value: string): string {
  if (value.startsWith('"')) return 'string';
  if (/^(t|T|true|True|TRUE|f|F|false|False|FALSE)$/.test(value)) return 'boolean';
  if (/^-?\d+i$/.test(value)) return 'integer';
  return 'float';
}

/** Escapes a name as line protocol writes a measurement (commas, spaces) or a key (also equals signs). */
function escapeName(name: string, kind: 'measurement' | 'key'): string {
  const pattern = kind === 'measurement' ? /[, ]/g : /[,= ]/g;
  return name.replace(pattern, (character) => `\\${character}`);
}

/** Returns the value text of `field` in a line of `measurement`, or undefined when the line has none. */
function fieldValueIn(line: string, measurement: string, field: string): string | undefined {
  const prefix = escapeName(measurement, 'measurement');
  if (!line.startsWith(`${prefix},`) && !line.startsWith(`${prefix} `)) return undefined;
  const key = escapeName(field, 'key');
  const match = new RegExp(`[ ,]${key.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}=("(?:[^"\\\\]|\\\\.)*"|[^, ]+)`).exec(
    line,
  );
  return match?.[1];
}

const TYPE_CONFLICT = /field type conflict: input field "([^"]+)" on measurement "([^"]+)" is type (\w+)/g;
const UNPARSABLE = /unable to parse '((?:[^'\\]|\\.)*)'/g;

/** Returns the lines of `lines` that the error text identifies as rejected, in batch order. */
export function identifyRejectedLines(lines: readonly string[], error: string): string[] {
  const unparsable = new Set([...error.matchAll(UNPARSABLE)].map((match) => match[1] ?? ''));
  const conflicts = [...error.matchAll(TYPE_CONFLICT)].map((match) => ({
    field: match[1] ?? '',
    measurement: match[2] ?? '',
    type: match[3] ?? '',
  }));
  return lines.filter((line) => {
    if (unparsable.has(line)) return true;
    return conflicts.some(({ field, measurement, type }) => {
      const value = fieldValueIn(line, measurement, field);
      return value !== undefined && fieldTypeOf(value) === type;
    });
  });
}

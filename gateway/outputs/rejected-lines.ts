/**
 * Finds which lines of a batch InfluxDB 1.x rejected, from the text of its 400 response. The server
 * names an unparsable line in full ("unable to parse '<line>': <reason>") and a field type conflict by
 * field and measurement ("field type conflict: input field "<f>" on measurement "<m>" is type <t>,
 * already exists as type <t2>"), as the 1.6 points parser and shard writer format them.
 */
import { conflictingFields, parseFieldTypeConflicts } from './field-type-conflict.js';

const UNPARSABLE = /unable to parse '((?:[^'\\]|\\.)*)'/g;

/** Returns the lines that the error text names as unparsable. */
export function unparsableLines(error: string): Set<string> {
  return new Set([...error.matchAll(UNPARSABLE)].map((match) => match[1] ?? ''));
}

/** Returns the lines of `lines` that the error text identifies as rejected, in batch order. */
export function identifyRejectedLines(lines: readonly string[], error: string): string[] {
  const unparsable = unparsableLines(error);
  const conflicts = parseFieldTypeConflicts(error);
  return lines.filter((line) => unparsable.has(line) || conflictingFields(line, conflicts).length > 0);
}

/**
 * Dead letters and counts of the fields taken out of points that InfluxDB 1.x rejected for a field type
 * conflict. The rest of each point was written, so a dead letter keeps only the removed fields.
 */
import type { DeadLetterInput } from '../queue/dead-letters.js';
import type { QueuedPoint } from '../queue/queued-point.js';
import type { Reading } from '../reading.js';
import { conflictText, type FieldTypeConflict, selectFields } from './field-type-conflict.js';
import type { RemovedFields } from './influx-batch-writer.js';

/** Points whose field lost to one conflict in a batch, as the `field_type_conflict` event reports it. */
export interface FieldConflictCount extends FieldTypeConflict {
  /** Points written without the field. */
  count: number;
}

/** Returns the reason of the dead letter of removed fields. */
function removedReason(conflicts: readonly FieldTypeConflict[]): string {
  return `${conflicts.map(conflictText).join('; ')}; the rest of the point was written without ${conflicts.length === 1 ? 'this field' : 'these fields'}`;
}

/** Returns `reading` with only the fields named in `keys`. */
function onlyFields(reading: Reading, keys: readonly string[]): Reading {
  const fields: Reading['fields'] = {};
  for (const key of keys) {
    const value = reading.fields[key];
    if (value !== undefined) fields[key] = value;
  }
  const integer_fields = new Set([...reading.integer_fields].filter((key) => keys.includes(key)));
  return { ...reading, fields, integer_fields };
}

/**
 * Returns the dead letters of one line's removed fields: one per reading behind the line, or the line
 * reduced to the removed fields when the queue kept no reading of it.
 */
export function removedFieldLetters(
  removed: RemovedFields,
  points: readonly QueuedPoint[] | undefined,
): DeadLetterInput[] {
  const keys = removed.conflicts.map((conflict) => conflict.field);
  const reason = removedReason(removed.conflicts);
  if (points === undefined) {
    return [{ line: selectFields(removed.line, (key) => keys.includes(key)) ?? removed.line, reason }];
  }
  return points.map((point) => ({ reading: onlyFields(point.reading, keys), reason }));
}

/** Counts the written lines that lost a field, by conflict. */
export function countConflicts(removed_fields: readonly RemovedFields[]): FieldConflictCount[] {
  const counts = new Map<string, FieldConflictCount>();
  for (const { conflicts } of removed_fields) {
    for (const conflict of conflicts) {
      const key = JSON.stringify([conflict.measurement, conflict.field, conflict.input_type, conflict.existing_type]);
      const entry = counts.get(key);
      if (entry === undefined) counts.set(key, { ...conflict, count: 1 });
      else entry.count += 1;
    }
  }
  return [...counts.values()];
}

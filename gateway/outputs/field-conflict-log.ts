import type { RateLimitedLog } from '../rate-limited-log.js';
import type { FieldConflictCount } from './removed-field-letters.js';

/**
 * Counts the points written without a field that InfluxDB rejected for its type, by measurement, field
 * and types. Each conflict is logged with the total since start through `log`, which limits repeats per
 * conflict (once a minute with the `RateLimitedLog` default).
 */
export class FieldConflictLog {
  private readonly totals = new Map<string, number>();

  constructor(private readonly log: RateLimitedLog) {}

  record(conflict: FieldConflictCount): void {
    const { measurement, field, input_type, existing_type, count } = conflict;
    const key = JSON.stringify([measurement, field, input_type, existing_type]);
    const total = (this.totals.get(key) ?? 0) + count;
    this.totals.set(key, total);
    const existing = existing_type === '' ? 'another type' : existing_type;
    const declare = existing_type === '' ? '' : `, or declare it "type: ${existing_type}"`;
    this.log.warn(
      `influx:field_type_conflict:${key}`,
      { output: 'influx', measurement, field, input_type, existing_type, count, total },
      `influxdb rejected field "${field}" of measurement "${measurement}" as ${input_type} because it already exists as ${existing}; ` +
        'the rest of each point was written and the field values are stored as dead letters (coldpool dead-letters). ' +
        `Fix: rename the field with the "name" of its mapping in the device profile${declare}. ` +
        `InfluxDB 1.x keeps a field's type in each shard, so only DROP MEASUREMENT ${measurement} (which deletes its data) clears the old type.`,
    );
  }
}

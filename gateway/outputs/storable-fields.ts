import type { FieldValue } from '../reading.js';

/** Keeps the field values JSON can carry: booleans, strings and finite numbers (no NaN, ±Infinity or null). */
export function storableFields(fields: Record<string, unknown>): Record<string, FieldValue> {
  const storable: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'boolean' || typeof value === 'string') storable[name] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) storable[name] = value;
  }
  return storable;
}

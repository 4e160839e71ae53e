/** Canonical JSON for hashing: object keys sorted at every depth, no whitespace, undefined dropped. */

function canonicalValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) sorted[key] = canonicalValue(item);
  }
  return sorted;
}

/** Serialises `value` so that equal values always give the same text, whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value)) ?? 'null';
}

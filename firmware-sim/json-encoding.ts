/**
 * Serialises `value` as JSON and writes the first `"key":null` in it as a bare `"key":NaN`, which is not
 * valid JSON (RFC 8259 section 6 has no NaN): this is what firmware that prints floats with `%f` sends.
 * The caller sets the field to `null` first.
 */
export function encodeJsonWithBareNaN(value: unknown, key: string): string {
  return JSON.stringify(value).replace(`"${key}":null`, `"${key}":NaN`);
}

/** Rounds `value` to `decimals` places, as a device with fixed-point output would print it. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/**
 * Rounds away the binary noise that unit conversion and scaling leave behind (38.7 must not be stored
 * as 38.699999999999996). Twelve significant digits keep every real sensor's resolution.
 */
export function tidy(value: number): number {
  if (Number.isInteger(value)) return value;
  // The double nearest to a decimal of at most six fraction digits below a million has at most twelve
  // significant digits, so the rounding below would return it unchanged. Most readings take this path.
  if (Math.abs(value) < 1e6 && Math.round(value * 1e6) / 1e6 === value) return value;
  return Number.parseFloat(value.toPrecision(12));
}

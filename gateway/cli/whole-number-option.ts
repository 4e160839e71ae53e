/** Parsing of command-line options that take a whole number with a lower bound. */

/**
 * Returns `text` as a whole number of at least `min`. Throws an error naming `option` and the value, and
 * saying which of the two rules it breaks: `-5` is a whole number, just below the minimum.
 */
export function parseWholeNumber(option: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^[+-]?\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new Error(`${option} ${JSON.stringify(text)} is not a whole number; give a whole number of at least ${min}`);
  }
  if (value < min) throw new Error(`${option} ${text} is less than ${min}; give a whole number of at least ${min}`);
  return value;
}

import type { Unit } from '../../devices/sample.js';

/** Converts a temperature to °C; other units pass through unchanged. */
export function toStoredUnit(value: number, unit: Unit | undefined): number {
  switch (unit) {
    case 'F':
      return ((value - 32) * 5) / 9;
    case 'K':
      return value - 273.15;
    default:
      return value;
  }
}

/**
 * Rounds away the binary noise that unit conversion and scaling leave behind (38.7 must not be stored
 * as 38.699999999999996). Twelve significant digits keep every real sensor's resolution.
 */
export function tidy(value: number): number {
  return Number.isInteger(value) ? value : Number.parseFloat(value.toPrecision(12));
}

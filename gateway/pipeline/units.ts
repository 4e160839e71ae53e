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

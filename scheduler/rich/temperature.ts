/**
 * Temperature compatibility: frozen goods ride only in frozen compartments and chilled goods only in
 * chilled ones (a frozen compartment would freeze them), while ambient goods may ride in any
 * compartment with room.
 */
import type { TemperatureClass } from '../model/carbon-factors.js';

/** Returns whether goods of class `goods` may ride or be stored in a compartment or zone of class `space`. */
export function isCompatible(goods: TemperatureClass, space: TemperatureClass): boolean {
  return goods === 'ambient' || goods === space;
}

/** Preference when several spaces fit: ambient goods fill ambient space first, then chilled, then frozen. */
export function spacePreference(space: TemperatureClass): number {
  return space === 'ambient' ? 0 : space === 'chilled' ? 1 : 2;
}

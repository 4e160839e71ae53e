/**
 * Operating state of a monitored asset, and which alarms each state lets through. A room being cleaned
 * or a truck parked empty must not page anyone about its temperature, but an offline probe still matters.
 */
import type { AlarmLevel } from './rule-schemas.js';

export type AssetState = 'in_service' | 'idle' | 'empty' | 'maintenance';

export const ASSET_STATES: readonly AssetState[] = ['in_service', 'idle', 'empty', 'maintenance'];

/** Group of rules that an asset state gates together. */
export type AlarmCategory = 'temperature' | 'door' | 'offline' | 'power';

/**
 * Returns the level an alarm may be raised at in `state`, or null when the state blocks it:
 * - `in_service`: every alarm at its own level;
 * - `idle` (running without product): warning-level temperature rules only, the rest unchanged;
 * - `empty`: offline and power alarms only;
 * - `maintenance`: nothing.
 */
export function allowedLevel(state: AssetState, category: AlarmCategory, level: AlarmLevel): AlarmLevel | null {
  switch (state) {
    case 'in_service':
      return level;
    case 'idle':
      return category === 'temperature' && level !== 'warning' ? null : level;
    case 'empty':
      return category === 'offline' || category === 'power' ? level : null;
    case 'maintenance':
      return null;
  }
}

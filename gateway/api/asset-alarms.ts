/**
 * Selects the alarms of a whole asset. Alarms of an `alarms.assets` entry that watches part of the asset,
 * such as the compartment `truck-1/front` or the room zone `room-2/north`, carry the entry id as their
 * asset, so the asset's alarm level and alarm list include the alarms of every entry whose `match.asset`
 * is the asset.
 */
import type { Alarm } from './services.js';

/** Returns true for an alarm raised under `asset` or under one of `entryIds`, the ids of its entries. */
export function isWholeAssetAlarm(alarm: Alarm, asset: string, entryIds: readonly string[]): boolean {
  return alarm.asset === asset || entryIds.includes(alarm.asset);
}

/** Returns the alarms of the whole asset `asset` among `alarms`. */
export function wholeAssetAlarms(alarms: readonly Alarm[], asset: string, entryIds: readonly string[]): Alarm[] {
  return alarms.filter((alarm) => isWholeAssetAlarm(alarm, asset, entryIds));
}

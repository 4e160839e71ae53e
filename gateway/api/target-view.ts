/** The overview of an asset id of the API: a whole asset, or an `alarms.assets` entry within one. */
import type { ApiContext } from './api-context.js';
import { type AssetTarget, targetHasAlarm, targetSelects } from './asset-target.js';
import { type AssetView, buildAssetView } from './asset-view.js';
import type { DeviceView } from './fleet-state.js';
import type { Alarm } from './services.js';

/** An asset view with the ids of the `alarms.assets` entries that watch the asset. */
export interface ListedAssetView extends AssetView {
  /** Ids under `alarms.assets` whose `match.asset` is the asset, in configuration order. */
  alarm_entries: string[];
}

/** Returns the ids of the `alarms.assets` entries whose `match.asset` is `asset`, in configuration order. */
export function alarmEntryIds(context: ApiContext, asset: string): string[] {
  const entries = context.deps.profiles?.(asset) ?? [];
  return entries.map((entry) => entry.id);
}

/** Adds the ids of the asset's `alarms.assets` entries to the view. */
export function withAlarmEntries(context: ApiContext, view: AssetView): ListedAssetView {
  return { ...view, alarm_entries: alarmEntryIds(context, view.asset) };
}

/**
 * Builds the view of an `alarms.assets` entry: the entry's devices with only the newest readings it
 * watches, such as one compartment of a truck, and the open alarms of the entry and of those devices.
 */
export function buildEntryView(target: AssetTarget, devices: readonly DeviceView[], openAlarms: readonly Alarm[]) {
  const watched = devices.map((device) => ({
    ...device,
    latest: device.latest.filter((series) => targetSelects(target, device.id, series.tags)),
  }));
  const alarms = openAlarms.filter((alarm) => targetHasAlarm(target, alarm));
  return { ...buildAssetView(target.id, watched, alarms), alarm_entries: [target.id] };
}

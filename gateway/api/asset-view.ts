/**
 * Groups devices into assets (a cold room or a truck) and derives what the overview tile shows: the
 * temperatures, the operating state and the worst open alarm.
 */
import { wholeAssetAlarms } from './asset-alarms.js';
import type { DeviceView, LatestReading } from './fleet-state.js';
import type { Alarm, AlarmLevel } from './services.js';

/** Fields that carry the temperature an operator watches, in order of preference. */
export const TEMPERATURE_FIELDS = ['air_temp_c', 'box_temp_c', 'product_temp_c'] as const;

/**
 * `offline`: no device of the asset is up. `door_open` wins over `defrost`, which wins over `cooling`
 * (compressor or reefer unit on) and `idle` (off). `online`: reporting but sends no state fields.
 */
export type AssetState = 'offline' | 'door_open' | 'defrost' | 'cooling' | 'idle' | 'online';

export interface AssetTemperature {
  /** Series label: the compartment of a reefer, or the field name. */
  label: string;
  field: string;
  value_c: number;
  time_ms: number;
}

export interface AssetView {
  asset: string;
  site: string;
  kind: 'cold_room' | 'reefer' | 'other';
  devices: string[];
  state: AssetState;
  temperatures: AssetTemperature[];
  alarm_level: AlarmLevel | 'none';
  open_alarms: number;
  last_seen_ms: number | null;
}

function temperaturesOf(series: LatestReading): AssetTemperature[] {
  for (const field of TEMPERATURE_FIELDS) {
    const value = series.fields[field];
    if (typeof value === 'number') {
      const label = series.tags.compartment ?? field;
      return [{ label, field, value_c: value, time_ms: series.field_times_ms[field] ?? series.time_ms }];
    }
  }
  return [];
}

function flag(latest: readonly LatestReading[], field: string): boolean | undefined {
  let result: boolean | undefined;
  for (const series of latest) {
    const value = series.fields[field];
    if (typeof value === 'boolean') result = (result ?? false) || value;
  }
  return result;
}

/** Derives the asset state from its devices' health and newest state fields. */
export function assetState(devices: readonly DeviceView[]): AssetState {
  if (!devices.some((device) => device.health.state === 'up')) return 'offline';
  const latest = devices.filter((device) => device.health.state === 'up').flatMap((device) => device.latest);
  if (flag(latest, 'door_open')) return 'door_open';
  if (flag(latest, 'defrost_on')) return 'defrost';
  const running = flag(latest, 'compressor_on') ?? flag(latest, 'unit_on');
  if (running === undefined) return 'online';
  return running ? 'cooling' : 'idle';
}

const LEVELS_BY_SEVERITY: readonly AlarmLevel[] = ['critical', 'alarm', 'warning'];

function worstLevel(alarms: readonly Alarm[]): AlarmLevel | 'none' {
  return LEVELS_BY_SEVERITY.find((level) => alarms.some((alarm) => alarm.level === level)) ?? 'none';
}

function kindOf(devices: readonly DeviceView[]): AssetView['kind'] {
  const measurement = devices[0]?.measurement;
  return measurement === 'cold_room' || measurement === 'reefer' ? measurement : 'other';
}

/**
 * Builds the view of asset `asset` from its devices and the open alarms that count for it. The view of
 * an `alarms.assets` entry passes the entry's id, the devices it watches and the alarms it selects.
 */
export function buildAssetView(asset: string, devices: readonly DeviceView[], alarms: readonly Alarm[]): AssetView {
  const seen = devices.map((device) => device.health.last_seen_ms).filter((time) => time !== null);
  return {
    asset,
    site: devices[0]?.site ?? '',
    kind: kindOf(devices),
    devices: devices.map((device) => device.id),
    state: assetState(devices),
    temperatures: devices.flatMap((device) => device.latest.flatMap(temperaturesOf)),
    alarm_level: worstLevel(alarms),
    open_alarms: alarms.length,
    last_seen_ms: seen.length > 0 ? Math.max(...seen) : null,
  };
}

/**
 * Builds one view per asset, sorted by asset name. `openAlarms` are the alarms not yet closed, and
 * `entryIdsOf` returns the ids of the `alarms.assets` entries whose `match.asset` is the asset, whose
 * alarms count for the asset too.
 */
export function buildAssetViews(
  devices: readonly DeviceView[],
  openAlarms: readonly Alarm[],
  entryIdsOf: (asset: string) => readonly string[],
): AssetView[] {
  const byAsset = new Map<string, DeviceView[]>();
  for (const device of devices) {
    const group = byAsset.get(device.asset) ?? [];
    group.push(device);
    byAsset.set(device.asset, group);
  }
  return [...byAsset.entries()]
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([asset, group]) => buildAssetView(asset, group, wholeAssetAlarms(openAlarms, asset, entryIdsOf(asset))));
}

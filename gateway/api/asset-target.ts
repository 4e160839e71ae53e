/**
 * Resolves the asset id of an asset route. The id is either the `asset` tag of configured devices (a cold
 * room or a whole truck) or the id of an `alarms.assets` entry that watches part of one, such as the
 * compartment `truck-1/front` or the room zone `room-2/north`. Alarms carry the entry id as their asset,
 * so the dashboard links to such ids.
 */
import { matchesAsset } from '../alarms/asset-profile.js';
import type { ResolvedDevice } from '../config/resolve.js';
import type { ApiDeps } from './api-context.js';
import { isWholeAssetAlarm } from './asset-alarms.js';
import { ApiError } from './errors.js';
import type { ChartProfile } from './history/chart-groups.js';
import type { Alarm, AlarmService } from './services.js';

/** The readings an asset id selects. */
export interface AssetTarget {
  /** The id as requested. */
  id: string;
  /** The `asset` tag of the devices, which equals `id` for a whole asset. */
  device_asset: string;
  /** Configured devices whose readings the id selects. */
  devices: ResolvedDevice[];
  /** The `alarms.assets` entry that the id names, or null for a whole asset. */
  entry: ChartProfile | null;
  /**
   * For a whole asset, the ids of the `alarms.assets` entries whose `match.asset` is the asset, whose
   * alarms belong to the asset too. Empty for an entry.
   */
  entry_ids: string[];
}

/** Returns the 404 error of an asset id that is neither a device asset nor an `alarms.assets` id. */
export function assetNotFound(id: string): ApiError {
  return new ApiError(
    'API_ASSET_NOT_FOUND',
    `asset ${JSON.stringify(id)} not found: no configured device has that asset tag and no entry of alarms.assets ` +
      'has that id; GET /api/v1/assets lists the assets, each with the ids of its alarms.assets entries in alarm_entries',
  );
}

/**
 * Resolves `id`: the devices whose `asset` tag is `id` when there are any, else the `alarms.assets` entry
 * with that id and the devices its `match` selects. An entry whose id equals its devices' asset tag, such
 * as `room-1`, therefore shows the whole asset. Throws `API_ASSET_NOT_FOUND` when neither exists.
 */
export function resolveAssetTarget(deps: ApiDeps, id: string): AssetTarget {
  const configured = deps.gateway.resolved.devices;
  const devices = configured.filter((device) => device.asset === id);
  if (devices.length > 0) {
    const entry_ids = (deps.profiles?.(id) ?? []).map((profile) => profile.id).filter((entryId) => entryId !== id);
    return { id, device_asset: id, devices, entry: null, entry_ids };
  }
  const entry = deps.alarmEntry?.(id);
  if (!entry) throw assetNotFound(id);
  const { asset, device } = entry.match;
  return {
    id,
    device_asset: asset,
    devices: configured.filter((candidate) => candidate.asset === asset && (device ?? candidate.id) === candidate.id),
    entry,
    entry_ids: [],
  };
}

/** Returns true when a series of `device` with `tags` belongs to the target. */
export function targetSelects(target: AssetTarget, device: string, tags: Record<string, string>): boolean {
  if (target.entry === null) return true;
  return matchesAsset(target.entry, { asset: target.device_asset, device, ...tags });
}

/**
 * Returns true for an alarm of the target: one raised under its id or, for a whole asset, under the id of
 * one of its `alarms.assets` entries. For an entry, a device alarm (such as `no_data`) of one of the
 * entry's devices counts too.
 */
export function targetHasAlarm(target: AssetTarget, alarm: Alarm): boolean {
  if (isWholeAssetAlarm(alarm, target.id, target.entry_ids)) return true;
  if (target.entry === null || alarm.asset !== target.device_asset || alarm.device === undefined) return false;
  return target.devices.some((device) => device.id === alarm.device);
}

/** Lists the alarms of the target, newest first, or none without an alarm service. */
export async function listTargetAlarms(service: AlarmService | undefined, target: AssetTarget): Promise<Alarm[]> {
  if (!service) return [];
  const own = await service.list({ asset: target.id });
  if (target.entry === null) {
    const entries = await Promise.all(target.entry_ids.map((entryId) => service.list({ asset: entryId })));
    return newestFirst([...own, ...entries.flat()]);
  }
  const devices = (await service.list({ asset: target.device_asset })).filter((alarm) => targetHasAlarm(target, alarm));
  return newestFirst([...own, ...devices]);
}

function newestFirst(alarms: Alarm[]): Alarm[] {
  return alarms.sort((left, right) => right.raised_ms - left.raised_ms);
}

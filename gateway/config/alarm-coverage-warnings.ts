/**
 * Warnings for alarm settings that leave an asset unwatched although the file is valid: an asset whose
 * `match` selects no configured device, and a Modbus device polled so slowly that every gap between its
 * readings restarts the threshold on-delays. `coldpool run` logs them at start and `coldpool check-config`
 * prints them.
 */
import type { ResolvedConfig, ResolvedDevice } from './resolve.js';

/** Returns the path of a device's entry for a message, such as `devices[2] (device ctrl-1)`. */
function devicePath(resolved: Pick<ResolvedConfig, 'config'>, id: string): string {
  const index = resolved.config.devices.findIndex((device) => device.id === id);
  return index < 0 ? `device ${id}` : `devices[${index}] (device ${id})`;
}

/**
 * Returns true when `device` produces readings that the asset's `match` selects. The compartment is left
 * out because a payload may carry it.
 */
function deviceMatches(device: ResolvedDevice, match: { asset?: string; device?: string }, assetId: string): boolean {
  const asset = match.asset ?? assetId;
  return device.asset === asset && (match.device === undefined || device.id === match.device);
}

/** Returns one warning for each `alarms.assets[]` entry whose `match` selects no configured device. */
export function unmatchedAssetWarnings(
  resolved: Pick<ResolvedConfig, 'config' | 'devices' | 'subscriptions'>,
): string[] {
  const alarms = resolved.config.alarms;
  if (!alarms.enabled) return [];
  const knownAssets = [...new Set(resolved.devices.map((device) => device.asset))];
  const warnings: string[] = [];
  alarms.assets.forEach((asset, index) => {
    if (resolved.devices.some((device) => deviceMatches(device, asset.match, asset.id))) return;
    const asset_tag = asset.match.asset ?? asset.id;
    const selector =
      asset.match.device === undefined
        ? `asset ${JSON.stringify(asset_tag)}`
        : `asset ${JSON.stringify(asset_tag)} and device ${JSON.stringify(asset.match.device)}`;
    const known = knownAssets.length > 0 ? knownAssets.map((name) => JSON.stringify(name)).join(', ') : 'none';
    const fix = `set alarms.assets[${index}].match.asset (default: the asset id) to an asset of devices[] (configured: ${known}), or fix the device's asset`;
    const head = `alarms.assets[${index}] (asset ${asset.id}) matches ${selector}, but no configured device has it`;
    if (resolved.subscriptions.length > 0) {
      // A device found through a wildcard subscription has its id from the topic as its asset.
      const topics = resolved.subscriptions.map((subscription) => subscription.topic).join(', ');
      warnings.push(
        `${head}; only a device with id ${JSON.stringify(asset.match.device ?? asset_tag)} arriving through mqtt.subscriptions (${topics}) can match it, so until one does, its alarms never fire; if no such device exists, ${fix}`,
      );
    } else {
      warnings.push(`${head}, so its alarms never fire; ${fix}`);
    }
  });
  return warnings;
}

/**
 * Returns one warning for each Modbus device whose poll interval is at or above `alarms.no_data.timeout_s`.
 * A gap between temperature readings longer than that timeout restarts every threshold on-delay, so its
 * threshold alarms never fire, and the offline rule may raise `no_data` between polls.
 */
export function slowPollWarnings(resolved: Pick<ResolvedConfig, 'config' | 'devices'>): string[] {
  const alarms = resolved.config.alarms;
  if (!alarms.enabled) return [];
  const timeout_s = alarms.no_data.timeout_s;
  const warnings: string[] = [];
  for (const device of resolved.devices) {
    if (device.protocol === 'mqtt' || device.poll_interval_s < timeout_s) continue;
    warnings.push(
      `${devicePath(resolved, device.id)} polls every ${device.poll_interval_s} s, which is not below alarms.no_data.timeout_s (${timeout_s} s), so every gap between its readings counts as no data and restarts the on-delay of its threshold rules, and they never fire; set poll_interval_s below ${timeout_s}, or raise alarms.no_data.timeout_s above ${device.poll_interval_s}`,
    );
  }
  return warnings;
}

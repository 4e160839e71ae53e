/**
 * The asset profile a report uses for its limits: from the gateway configuration file when given (its
 * `alarms` section), else from the class defaults.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { alarmConfigSchema, assetSchema } from '../alarms/alarm-config.js';
import { type AssetProfile, resolveAssetProfile } from '../alarms/asset-profile.js';

/**
 * Resolves asset `asset_id` from the YAML file `config_path`, or when that is undefined from the class
 * and kind given. Throws when the file has no such asset, naming the assets it has.
 */
export function reportProfile(
  asset_id: string,
  config_path: string | undefined,
  fallback: { class: string; kind: string },
): AssetProfile {
  if (config_path === undefined) {
    return resolveAssetProfile(assetSchema.parse({ id: asset_id, class: fallback.class, kind: fallback.kind }), {});
  }
  const document = parse(readFileSync(config_path, 'utf8')) as Record<string, unknown> | null;
  const config = alarmConfigSchema.parse(document?.alarms ?? {});
  const asset = config.assets.find((candidate) => candidate.id === asset_id);
  if (!asset) {
    const known = config.assets.map((candidate) => candidate.id).join(', ') || 'none';
    throw new RangeError(`asset ${asset_id} is not under alarms.assets in ${config_path} (assets: ${known})`);
  }
  return resolveAssetProfile(asset, config.classes);
}

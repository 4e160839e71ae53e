/**
 * The asset profile a report uses for its limits: from the gateway configuration file when given (its
 * `alarms` section), else from the class defaults.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { alarmConfigSchema, assetSchema } from '../alarms/alarm-config.js';
import { type AssetProfile, resolveAssetProfile } from '../alarms/asset-profile.js';

/** Error of `reportProfile` for an asset id that the configuration file does not define. */
export class AssetNotConfiguredError extends RangeError {
  constructor(
    readonly asset_id: string,
    readonly config_path: string,
    /** Ids under alarms.assets in the file. */
    readonly configured: string[],
  ) {
    super(
      `asset ${asset_id} is not under alarms.assets in ${config_path} (assets: ${configured.join(', ') || 'none'})`,
    );
    this.name = 'AssetNotConfiguredError';
  }
}

/**
 * Resolves asset `asset_id` from the YAML file `config_path`, or when that is undefined from the class
 * and kind given. Throws an `AssetNotConfiguredError` when the file has no such asset.
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
    throw new AssetNotConfiguredError(
      asset_id,
      config_path,
      config.assets.map((candidate) => candidate.id),
    );
  }
  return resolveAssetProfile(asset, config.classes);
}

/**
 * The asset profile a report uses for its limits: from the gateway configuration file when given (its
 * `alarms` section), else from the class defaults.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { alarmConfigSchema, assetSchema } from '../alarms/alarm-config.js';
import { type AssetProfile, resolveAssetProfile } from '../alarms/asset-profile.js';
import { ConfigError } from '../config/config-error.js';
import { formatIssues } from '../config/format-issues.js';
import { schemaAt } from '../config/schema-keys.js';

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

/** Settings of the asset when no configuration file is given. */
export interface FallbackAsset {
  class: string;
  /** Asset kind. Default `truck_compartment` when `match` names a compartment, else `cold_room`. */
  kind?: string;
  /** Tags of the asset's readings. Default `asset=<asset_id>`. */
  match?: { asset: string; compartment?: string };
}

/**
 * Resolves asset `asset_id` from the YAML file `config_path`, or when that is undefined from the
 * fallback settings. Throws an `AssetNotConfiguredError` when the file has no such asset, and a
 * `ConfigError` that lists each invalid key when its alarms section is invalid.
 */
export function reportProfile(
  asset_id: string,
  config_path: string | undefined,
  fallback: FallbackAsset,
): AssetProfile {
  if (config_path === undefined) {
    const kind = fallback.kind ?? (fallback.match?.compartment === undefined ? 'cold_room' : 'truck_compartment');
    const asset = { id: asset_id, class: fallback.class, kind, ...(fallback.match ? { match: fallback.match } : {}) };
    return resolveAssetProfile(assetSchema.parse(asset), {});
  }
  const document = parse(readFileSync(config_path, 'utf8')) as Record<string, unknown> | null;
  const alarms = document?.alarms ?? {};
  const result = alarmConfigSchema.safeParse(alarms, { reportInput: true });
  if (!result.success) {
    // Issue paths are relative to the alarms section, so `alarms` is put in front to match the file.
    const issues = result.error.issues.map((issue) => ({ ...issue, path: ['alarms', ...issue.path] }));
    throw new ConfigError(
      config_path,
      formatIssues(issues, (path) => schemaAt(alarmConfigSchema, alarms, path.slice(1)), { alarms }),
    );
  }
  const config = result.data;
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

/**
 * Resolves each configured asset into the profile the alarm engine evaluates: class defaults, then the
 * class override, then the asset's own settings, each replacing the one before key by key.
 */
import type { z } from 'zod';
import type { AlarmConfig, AssetConfig, AssetKind } from './alarm-config.js';
import type { AssetState } from './asset-state.js';
import {
  type DefrostRule,
  type DoorRule,
  defrostRuleSchema,
  doorRuleSchema,
  type RateRule,
  rateRuleSchema,
  type ThresholdRule,
  thresholdRuleSchema,
} from './rule-schemas.js';
import { CLASS_DEFAULTS, customClassRules, type TemperatureClass } from './temperature-classes.js';

/** Everything the engine needs about one asset, with every default filled in. */
export interface AssetProfile {
  id: string;
  kind: AssetKind;
  class: TemperatureClass;
  state: AssetState;
  /** Tags a reading must carry to belong to the asset. */
  match: { asset: string; compartment?: string; device?: string };
  temperature_field: string;
  /** Storage range of the class, °C; null where there is no bound. */
  low_c: number | null;
  high_c: number | null;
  rules: ThresholdRule[];
  /** Rate-of-rise rule, or null when turned off. */
  rate: RateRule | null;
  door: DoorRule;
  defrost: DefrostRule;
}

type ClassOverride = AlarmConfig['classes'][TemperatureClass];

/**
 * Door defaults of a truck compartment. Its small air volume warms by over 10 K in a few minutes with
 * the doors open and the unit stopped. Pull-down then takes about 30 minutes (firmware-sim frozen reefer
 * compartment after a 4 minute stop), so the grace after a delivery is longer than a room's.
 */
const TRUCK_DOOR = { grace_s: 1800 };

function mergeRule<T>(schema: z.ZodType<T>, ...layers: Array<object | undefined>): T {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) Object.assign(merged, layer);
  return schema.parse(merged);
}

function pick<T>(fallback: T, ...values: Array<T | undefined>): T {
  for (let index = values.length - 1; index >= 0; index--) {
    const value = values[index];
    if (value !== undefined) return value;
  }
  return fallback;
}

/** Gives each rule its id (`<direction>_<level>` by default) and checks that ids are unique. */
function nameRules(asset_id: string, rules: z.input<typeof thresholdRuleSchema>[]): ThresholdRule[] {
  const named = rules.map((input) => {
    const rule = thresholdRuleSchema.parse(input);
    return { ...rule, id: rule.id ?? `${rule.direction}_${rule.level}` };
  });
  const ids = new Set<string>();
  for (const rule of named) {
    if (ids.has(rule.id)) {
      throw new RangeError(`asset ${asset_id} has two rules with id ${rule.id}: give one of them its own id`);
    }
    ids.add(rule.id);
  }
  return named;
}

/** Resolves one asset. Throws a RangeError naming the asset when two of its rules share an id. */
export function resolveAssetProfile(asset: AssetConfig, classes: AlarmConfig['classes']): AssetProfile {
  const classOverride: ClassOverride = classes[asset.class] ?? {};
  const defaults = asset.class === 'custom' ? undefined : CLASS_DEFAULTS[asset.class];
  const low_c = pick(defaults?.low_c ?? null, classOverride.low_c, asset.low_c);
  const high_c = pick(defaults?.high_c ?? null, classOverride.high_c, asset.high_c);
  const defaultRules = defaults?.rules ?? customClassRules(low_c, high_c);
  const rate = mergeRule(rateRuleSchema, classOverride.rate, asset.rate);
  return {
    id: asset.id,
    kind: asset.kind,
    class: asset.class,
    state: asset.state,
    match: { ...asset.match, asset: asset.match.asset ?? asset.id },
    temperature_field: asset.temperature_field ?? (asset.kind === 'truck_compartment' ? 'box_temp_c' : 'air_temp_c'),
    low_c,
    high_c,
    rules: nameRules(asset.id, pick(defaultRules, classOverride.rules, asset.rules)),
    rate: rate.enabled ? rate : null,
    door: mergeRule(
      doorRuleSchema,
      asset.kind === 'truck_compartment' ? TRUCK_DOOR : undefined,
      classOverride.door,
      asset.door,
    ),
    defrost: mergeRule(defrostRuleSchema, classOverride.defrost, asset.defrost),
  };
}

/** Resolves every asset of the configuration. */
export function resolveAssetProfiles(config: AlarmConfig): AssetProfile[] {
  return config.assets.map((asset) => resolveAssetProfile(asset, config.classes));
}

/**
 * Returns true when the reading belongs to the asset: same `asset` tag, and no `compartment` or `device`
 * tag that differs from the asset's. A truck-level reading without a compartment tag (door, unit power)
 * therefore applies to every compartment of the truck.
 */
export function matchesAsset(profile: Pick<AssetProfile, 'match'>, tags: Record<string, string>): boolean {
  const { asset, compartment, device } = profile.match;
  if (tags.asset !== asset) return false;
  if (compartment !== undefined && tags.compartment !== undefined && tags.compartment !== compartment) return false;
  return device === undefined || tags.device === device;
}

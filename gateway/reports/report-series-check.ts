/**
 * Rejects a report whose readings would not describe one space. A report of a truck whose readings carry
 * several `compartment` tags would mix a frozen and a chilled compartment into one curve and one set of
 * statistics. A report whose temperature field the asset never sent would show no readings and one gap
 * over the whole window, which reads like a failed logger, although the asset's readings use another
 * field name.
 */
import { type AssetProfile, matchesAsset } from '../alarms/asset-profile.js';
import type { LocalStore } from '../outputs/local-store.js';
import type { AssetLookup } from './report-asset-check.js';
import { NON_DEVICE_MEASUREMENTS } from './report-data.js';

/** The asset and store that the messages name, and the configuration file when one was given. */
export interface SeriesLookup extends AssetLookup {
  /** Path of the --config file, or undefined when the limits come from --class and --kind. */
  config_path?: string;
  /** Fix text's instruction for selecting an asset's report by id. Default `pass its id as --asset`. */
  select_by_id?: string;
}

/**
 * Returns the asset and compartment that an id of the form `<asset>/<compartment>` names, such as
 * `truck-1/front`, when the store has no readings tagged with the whole id but has readings tagged
 * `asset=<asset>` and `compartment=<compartment>`. Returns undefined otherwise. The id splits at its
 * last `/`.
 */
export function storedCompartment(
  store: LocalStore,
  asset_id: string,
): { asset: string; compartment: string } | undefined {
  const slash = asset_id.lastIndexOf('/');
  if (slash <= 0 || slash === asset_id.length - 1) return undefined;
  if (store.hasAssetSeries(asset_id)) return undefined;
  const asset = asset_id.slice(0, slash);
  const compartment = asset_id.slice(slash + 1);
  if (!store.hasAssetSeries(asset, (tags) => tags.compartment === compartment)) return undefined;
  return { asset, compartment };
}

function shipmentText(lookup: SeriesLookup): string {
  return lookup.shipment_id === undefined ? '' : ` of shipment ${lookup.shipment_id}`;
}

/** Returns the sorted `compartment` tags of the asset's probe series that the profile matches. */
function compartmentsOf(store: LocalStore, profile: AssetProfile): string[] {
  const compartments = new Set<string>();
  for (const series of store.assetSeries(profile.match.asset)) {
    if (NON_DEVICE_MEASUREMENTS.has(series.measurement)) continue;
    if (!matchesAsset(profile, series.tags) || series.tags.compartment === undefined) continue;
    compartments.add(series.tags.compartment);
  }
  return [...compartments].sort();
}

function compartmentsError(profile: AssetProfile, compartments: string[], lookup: SeriesLookup): Error {
  const asset = profile.match.asset;
  const fix =
    lookup.config_path === undefined
      ? `Report one compartment at a time: ${compartments.map((name) => `--asset ${asset}/${name}`).join(' or ')}.`
      : `Report one compartment at a time: give each compartment its own entry under alarms.assets in ` +
        `${lookup.config_path}, such as match: { asset: ${asset}, compartment: ${compartments[0]} }, and ` +
        `${lookup.select_by_id ?? 'pass its id as --asset'}.`;
  const source = lookup.shipment_id === undefined ? '' : ` The shipment was recorded with asset ${lookup.asset_id}.`;
  return new Error(
    `asset ${profile.id}${shipmentText(lookup)} has readings of ${compartments.length} compartments in readings ` +
      `store ${lookup.store_path} (${compartments.join(', ')}), and one report of them would mix their ` +
      `temperatures.${source} ${fix}`,
  );
}

function fieldError(store: LocalStore, profile: AssetProfile, lookup: SeriesLookup): Error {
  const fields = new Set<string>();
  for (const series of store.assetSeriesFields(profile.match.asset)) {
    if (NON_DEVICE_MEASUREMENTS.has(series.measurement) || !matchesAsset(profile, series.tags)) continue;
    for (const field of series.fields) fields.add(field);
  }
  const fix =
    lookup.config_path === undefined
      ? 'Pass --kind truck_compartment for box_temp_c or --kind cold_room for air_temp_c, or pass a --config ' +
        'file whose alarms.assets entry for the asset sets temperature_field.'
      : `Set temperature_field of asset ${profile.id} under alarms.assets in ${lookup.config_path} to the field ` +
        'that holds its temperature.';
  const found =
    fields.size === 0
      ? 'and it has no probe readings'
      : `but its readings contain the fields ${[...fields].sort().join(', ')}`;
  return new Error(
    `asset ${profile.id}${shipmentText(lookup)} has no ${profile.temperature_field} readings in readings store ` +
      `${lookup.store_path} at any time, ${found}. ${fix}`,
  );
}

/**
 * Returns true when `checkReportSeries` would pass. It builds no message, so it skips the scan of every
 * stored row that the missing-field message makes to list the fields found.
 */
export function reportSeriesFit(store: LocalStore, profile: AssetProfile): boolean {
  if (compartmentsOf(store, profile).length > 1) return false;
  return store.hasAssetField(profile.match.asset, profile.temperature_field, (tags) => matchesAsset(profile, tags));
}

/**
 * Throws an Error when the profile's readings in the store carry more than one `compartment` tag, naming
 * the compartments and the `--asset` values that report each one. Throws an Error that lists the
 * asset's fields when no reading of the profile contains its temperature field. Call it after
 * `resolveStoredAsset`, which rejects an asset with no readings at all.
 */
export function checkReportSeries(store: LocalStore, profile: AssetProfile, lookup: SeriesLookup): void {
  const compartments = compartmentsOf(store, profile);
  if (compartments.length > 1) throw compartmentsError(profile, compartments, lookup);
  const matches = (tags: Record<string, string>) => matchesAsset(profile, tags);
  if (!store.hasAssetField(profile.match.asset, profile.temperature_field, matches)) {
    throw fieldError(store, profile, lookup);
  }
}

/**
 * Rejects a report of an asset that the readings store has never recorded. Such a report would show no
 * readings and one gap over the whole window, which reads like a real record of a failed logger, so a
 * mistyped asset id or store path must fail instead. An asset that the store has recorded at some time
 * still gets its report when the window contains no reading, because that gap is real.
 */
import { type AssetProfile, matchesAsset } from '../alarms/asset-profile.js';
import type { LocalStore } from '../outputs/local-store.js';
import { AssetNotConfiguredError } from './report-profile.js';

/** Maximum number of store asset ids that the error message lists before "and N more". */
export const LISTED_ASSET_IDS = 20;

/** Asset and store that the error message names. */
export interface AssetLookup {
  /** Asset id as given by --asset or by the shipment. */
  asset_id: string;
  /** Path of the readings store, for the message. */
  store_path: string;
  /** Shipment id when the asset comes from a shipment record. */
  shipment_id?: string;
}

/** Formats the asset ids of the store as a sentence, at most `LISTED_ASSET_IDS` of them. */
function storedAssetsSentence(store: LocalStore): string {
  const { ids, total } = store.assetIds(LISTED_ASSET_IDS);
  if (total === 0) return 'That store has no readings with an asset tag.';
  const more = total > ids.length ? ` and ${total - ids.length} more` : '';
  return `Assets in that store: ${ids.join(', ')}${more}.`;
}

/** Formats the tags of `profile.match` when they differ from the plain `asset=<id>` match. */
function matchTags(profile: AssetProfile): string {
  const { asset, compartment, device } = profile.match;
  if (asset === profile.id && compartment === undefined && device === undefined) return '';
  const tags = [`asset=${asset}`];
  if (compartment !== undefined) tags.push(`compartment=${compartment}`);
  if (device !== undefined) tags.push(`device=${device}`);
  return ` (readings tagged ${tags.join(', ')})`;
}

function missingAssetError(store: LocalStore, lookup: AssetLookup, detail: string): Error {
  const shipment = lookup.shipment_id === undefined ? '' : ` of shipment ${lookup.shipment_id}`;
  const fix =
    lookup.shipment_id === undefined
      ? 'Check --asset for a typo, or pass the --store file of the gateway that records this asset.'
      : 'Pass the --store file of the gateway that records this asset.';
  return new Error(
    `asset ${lookup.asset_id}${shipment} has no readings in readings store ${lookup.store_path} at any time` +
      `${detail}. ${storedAssetsSentence(store)} ${fix}`,
  );
}

/**
 * Resolves the asset profile with `resolve` and checks that the store has a series of the asset.
 * Throws an Error that names the asset and lists the store's asset ids when the store has none. Rethrows
 * the `AssetNotConfiguredError` of `resolve` unchanged when the store does have readings under that id.
 */
export function resolveStoredAsset(store: LocalStore, lookup: AssetLookup, resolve: () => AssetProfile): AssetProfile {
  let profile: AssetProfile;
  try {
    profile = resolve();
  } catch (error) {
    if (error instanceof AssetNotConfiguredError && !store.hasAssetSeries(lookup.asset_id)) {
      const configured = error.configured.join(', ') || 'none';
      throw missingAssetError(
        store,
        lookup,
        ` and is not under alarms.assets in ${error.config_path} (configured assets: ${configured})`,
      );
    }
    throw error;
  }
  if (!store.hasAssetSeries(profile.match.asset, (tags) => matchesAsset(profile, tags))) {
    throw missingAssetError(store, lookup, matchTags(profile));
  }
  return profile;
}

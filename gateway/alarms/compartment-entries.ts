/**
 * Finds the compartment entries beside a whole-truck entry of `alarms.assets`. An entry without
 * `match.compartment` matches the readings of every compartment of its asset (`matchesAsset`). Beside
 * compartment entries it therefore judges frozen and chilled readings under one class, but the asset
 * page charts each compartment's readings under the compartment's own entry.
 */

/** An `alarms.assets` entry with its `match.asset` resolved, as in `AssetProfile`. */
export interface MatchedEntry {
  id: string;
  match: { asset: string; compartment?: string; device?: string };
}

/**
 * Returns the entries that watch one compartment of the asset that `entry` watches as a whole: same
 * `asset` tag, a `compartment` tag, and a `device` tag that does not exclude the other's readings.
 * Returns an empty list when `entry` names a compartment itself.
 */
export function compartmentEntriesBeside<Entry extends MatchedEntry>(
  entry: MatchedEntry,
  entries: readonly Entry[],
): Entry[] {
  if (entry.match.compartment !== undefined) return [];
  const device = entry.match.device;
  return entries.filter(
    (other) =>
      other.id !== entry.id &&
      other.match.asset === entry.match.asset &&
      other.match.compartment !== undefined &&
      (device === undefined || other.match.device === undefined || other.match.device === device),
  );
}

/**
 * Warnings for an `alarms.assets` entry that watches a whole truck beside entries for the truck's
 * compartments. `coldpool run` logs them at start and `coldpool check-config` prints them.
 */
import { compartmentEntriesBeside } from '../alarms/compartment-entries.js';
import type { ResolvedConfig } from './resolve.js';

/** Returns `a`, `a and b` or `a, b and c`. */
function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * Returns one warning for each `alarms.assets` entry without `match.compartment` whose asset also has
 * entries for single compartments. The whole-truck entry's rules judge the readings of every
 * compartment together under its one class, and the asset page charts each compartment's readings
 * under the compartment's entry, so the whole-truck entry's own MKT and limits have no readings.
 */
export function wholeTruckAssetWarnings(resolved: Pick<ResolvedConfig, 'config'>): string[] {
  const alarms = resolved.config.alarms;
  if (!alarms.enabled) return [];
  const entries = alarms.assets.map((asset, index) => ({
    id: asset.id,
    index,
    class: asset.class,
    match: { ...asset.match, asset: asset.match.asset ?? asset.id },
  }));
  const warnings: string[] = [];
  for (const entry of entries) {
    const compartments = compartmentEntriesBeside(entry, entries);
    if (compartments.length === 0) continue;
    const path = `alarms.assets[${entry.index}]`;
    const others = listText(compartments.map((other) => `alarms.assets[${other.index}] (asset ${other.id})`));
    const names = listText(compartments.map((other) => JSON.stringify(other.match.compartment)));
    const watch = compartments.length === 1 ? 'which watches its compartment' : 'which watch its compartments';
    warnings.push(
      `${path} (asset ${entry.id}) watches the whole truck ${JSON.stringify(entry.match.asset)} beside ${others}, ` +
        `${watch} ${names}. Its rules judge the readings of every compartment together ` +
        `under class ${entry.class}, and the asset page shows the compartments' readings under their own entries, ` +
        `so ${entry.id} has no readings of its own there; remove ${path}, or set ${path}.match.compartment ` +
        'to the one compartment it watches',
    );
  }
  return warnings;
}

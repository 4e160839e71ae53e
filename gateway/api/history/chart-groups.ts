/**
 * Splits the temperature series of an asset page into groups that each get their own MKT and limits: one
 * group per alarm profile and compartment. A reefer truck whose front compartment is frozen and whose
 * rear compartment is chilled thus gets two MKTs and two sets of limits instead of one mixed figure.
 */
import { matchesAsset } from '../../alarms/asset-profile.js';
import { compartmentEntriesBeside } from '../../alarms/compartment-entries.js';
import { roundCelsius } from '../../reports/report-format.js';
import type { TemperatureLimits } from '../services.js';
import type { Bucket } from './history-source.js';
import { meanKineticTemperatureC } from './mkt.js';

/** An alarm profile as the chart uses it: which readings it covers and its storage range. */
export interface ChartProfile {
  /** Asset id under alarms.assets, such as `truck-1/front`. */
  id: string;
  /** Tags a reading must carry to belong to the profile, as in `AssetProfile.match`. */
  match: { asset: string; compartment?: string; device?: string };
  /** Storage range in °C, null where there is no bound. */
  low_c: number | null;
  high_c: number | null;
}

/** A temperature series of the chart, with the tags that decide its group. */
export interface GroupedSeries {
  tags: Record<string, string>;
  points: ReadonlyArray<Pick<Bucket, 'mean' | 'count'>>;
}

/** MKT and limits of the series of one profile and compartment. */
export interface ChartGroup {
  /** Id of the alarm profile whose limits apply, or null when no single profile matches. */
  profile: string | null;
  /** Value of the `compartment` tag of the group's series, or null for series without one. */
  compartment: string | null;
  /**
   * Mean kinetic temperature of the group's series over the window, °C rounded to `CELSIUS_DECIMALS`
   * decimals as in the reports, or null without samples.
   */
  mkt_c: number | null;
  limits: TemperatureLimits;
  /**
   * Ids of the compartment profiles beside a whole-truck profile (one without `match.compartment`),
   * which take the series of their compartments. Empty for every other profile and for series
   * without a profile.
   */
  compartment_profiles: string[];
}

/** Returns how many of the profile's match tags a series carries with the same value. */
function specificity(profile: ChartProfile, tags: Record<string, string>): number {
  const compartment = profile.match.compartment !== undefined && tags.compartment === profile.match.compartment;
  const device = profile.match.device !== undefined && tags.device === profile.match.device;
  return Number(compartment) + Number(device);
}

/**
 * Returns the profile of a series: among the profiles that match its tags (`matchesAsset`), the one that
 * names the most of them. Returns undefined when none matches or when several match equally well, such
 * as the `front` and `rear` profiles for a series without a compartment tag.
 */
export function profileOfSeries(
  profiles: readonly ChartProfile[],
  tags: Record<string, string>,
): ChartProfile | undefined {
  const candidates = profiles.filter((profile) => matchesAsset(profile, tags));
  const best = Math.max(...candidates.map((profile) => specificity(profile, tags)));
  const tied = candidates.filter((profile) => specificity(profile, tags) === best);
  return tied.length === 1 ? tied[0] : undefined;
}

function limitsOf(profile: ChartProfile | undefined): TemperatureLimits {
  if (!profile) return {};
  return {
    ...(profile.low_c !== null ? { min_c: profile.low_c } : {}),
    ...(profile.high_c !== null ? { max_c: profile.high_c } : {}),
  };
}

type GroupDraft = ChartGroup & { weighted: Array<{ value_c: number; weight: number }> };

function newDraft(
  profile: ChartProfile | undefined,
  compartment: string | null,
  profiles: readonly ChartProfile[],
): GroupDraft {
  return {
    profile: profile?.id ?? null,
    compartment,
    mkt_c: null,
    limits: limitsOf(profile),
    compartment_profiles: profile ? compartmentEntriesBeside(profile, profiles).map((other) => other.id) : [],
    weighted: [],
  };
}

/**
 * Groups the series by profile and compartment and computes each group's MKT. A profile that no series
 * belongs to still gets a group, with MKT null, so its limits show for a window without readings. A
 * whole-truck profile gets such a group while its truck reports, when every reporting compartment has
 * a profile of its own, and the group's `compartment_profiles` name those profiles.
 * Returns the groups and the profile id of each series, in the order of `series`.
 */
export function chartGroups(
  series: readonly GroupedSeries[],
  profiles: readonly ChartProfile[],
): { groups: ChartGroup[]; series_profiles: Array<string | null> } {
  const drafts = new Map<string, GroupDraft>();
  const series_profiles = series.map((entry) => {
    const profile = profileOfSeries(profiles, entry.tags);
    const compartment = entry.tags.compartment ?? null;
    const key = JSON.stringify([profile?.id ?? null, compartment]);
    let draft = drafts.get(key);
    if (!draft) {
      draft = newDraft(profile, compartment, profiles);
      drafts.set(key, draft);
    }
    // Weights are sample counts, so a bucket's mean represents its samples. NOTE: within a bucket this
    // uses the mean instead of each sample, which slightly lowers the MKT when the bucket spans a swing.
    for (const point of entry.points) draft.weighted.push({ value_c: point.mean, weight: point.count });
    return draft.profile;
  });
  const used = new Set(series_profiles);
  for (const profile of profiles) {
    if (used.has(profile.id)) continue;
    const compartment = profile.match.compartment ?? null;
    drafts.set(JSON.stringify([profile.id, compartment]), newDraft(profile, compartment, profiles));
  }
  const groups = [...drafts.values()].map(({ weighted, ...group }) => {
    const mkt_c = meanKineticTemperatureC(weighted);
    return { ...group, mkt_c: mkt_c === null ? null : roundCelsius(mkt_c) };
  });
  return { groups, series_profiles };
}

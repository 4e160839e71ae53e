/**
 * Staleness bound of one device's latest value among the devices of an asset. The threshold rules and
 * the rate-of-rise rule judge the worst current value of the asset's devices, and both stop counting a
 * device that went silent by this bound.
 */

/** How many of a device's own reporting intervals its value keeps counting for the other devices. */
export const INTERVALS_VALID = 2;

/**
 * Returns true when a device's latest value, `age_ms` old, still counts beside a newer reading of another
 * device: for `INTERVALS_VALID` of the device's own reporting intervals (`interval_ms`, null while only
 * one reading is known) and never longer than `max_gap_ms`.
 */
export function isDeviceValueCurrent(age_ms: number, interval_ms: number | null, max_gap_ms: number): boolean {
  if (interval_ms === null || age_ms > max_gap_ms) return false;
  return age_ms <= INTERVALS_VALID * interval_ms;
}

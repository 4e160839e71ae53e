import type { FieldValue, Reading } from '../reading.js';

/** Memory of one series. It is updated in place, so a reading costs no allocation. */
interface SeriesMemory {
  previous: Reading;
}

/**
 * Finds readings that overwrite the previous reading of their series. InfluxDB and the local store keep
 * one point per series (measurement and tag set) and timestamp, and merge a second point's fields into
 * it. A reading with its series' previous timestamp and another value of a shared field therefore
 * replaces that value, as happens to a device that reports more than once a second in epoch seconds. A repeat with equal values (a QoS 1 redelivery) and readings with disjoint fields (two
 * messages carrying different fields) lose nothing and are not reported.
 *
 * Series are recognised by their frozen tag set, which the pipeline shares among the readings of a
 * series, so each reading costs one WeakMap lookup. Memory is one reference per live tag set.
 * NOTE: only the immediately previous reading of a series is compared, so a reading that repeats an
 * older timestamp after readings with other timestamps is not reported.
 */
export class TimestampCollisions {
  private readonly series = new WeakMap<object, SeriesMemory>();

  /**
   * Remembers `reading` as its series' newest and returns the reading it overwrites: the previous one
   * of the series when that has the same `time_ms` and a shared field with another value. Returns
   * undefined otherwise.
   */
  check(reading: Reading): Reading | undefined {
    const memory = this.series.get(reading.tags);
    if (memory === undefined) {
      this.series.set(reading.tags, { previous: reading });
      return undefined;
    }
    const previous = memory.previous;
    memory.previous = reading;
    if (previous.time_ms !== reading.time_ms) return undefined;
    if (previous.measurement !== reading.measurement) return undefined;
    return sharedFieldDiffers(previous.fields, reading.fields) ? previous : undefined;
  }
}

/** True when a field present in both readings has different values. */
function sharedFieldDiffers(older: Record<string, FieldValue>, newer: Record<string, FieldValue>): boolean {
  for (const name in newer) {
    const value = older[name];
    if (value !== undefined && value !== newer[name]) return true;
  }
  return false;
}

/**
 * Describes an overwritten reading for the log: the device, the timestamp and the ways to keep both
 * readings apart.
 */
export function timestampCollisionMessage(device_id: string, time_ms: number): string {
  const stamp = new Date(time_ms).toISOString();
  const wholeSecond = time_ms % 1000 === 0 ? ', a whole second, as epoch seconds give' : '';
  return (
    `device ${device_id} sent two readings with the same timestamp ${stamp}${wholeSecond} and different ` +
    'values, so the later one overwrote the earlier one in InfluxDB and the local store. Send timestamps ' +
    'in epoch milliseconds (or ISO 8601 with milliseconds), or remove time_path from the payload mapping ' +
    'so the gateway stamps each reading with its own receive time'
  );
}

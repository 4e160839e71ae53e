import type { FieldValue, Reading } from '../reading.js';

/**
 * Memory of one series: each field's newest value and that value's timestamp, updated in place so that a
 * reading costs no allocation. It keeps no reading, because a reading kept until its series' next one
 * would outlive V8's young generation and grow the old one.
 */
interface SeriesMemory {
  measurement: string;
  /** Memory of the same tag set under another measurement. */
  next: SeriesMemory | undefined;
  values: Record<string, FieldValue>;
  times: Record<string, number>;
  /** Sequence number of the newest reading, when it had one, and that reading's timestamp. */
  sequence: number | undefined;
  sequence_time_ms: number;
}

/** A reading that replaced a value stored under the same series and timestamp. */
export interface TimestampCollision {
  /** Name of the first field whose stored value the reading replaced. */
  field: string;
  /** Sequence number of the overwritten reading, when it had one and was the series' newest. */
  overwritten_sequence?: number;
}

/**
 * Finds readings that overwrite a value of an earlier reading of their series. InfluxDB and the local
 * store keep one point per series (measurement and tag set) and timestamp, and merge a second point's
 * fields into it. A reading with a timestamp that a field of its series already has, and another value
 * for that field, therefore replaces the value, as happens to a device that reports more than once a
 * second in epoch seconds. A repeat with equal values (a QoS 1 redelivery) and readings with disjoint
 * fields (two messages carrying different fields) lose nothing and are not reported.
 *
 * Series are recognised by their frozen tag set, which the pipeline shares among the readings of a
 * series, so each reading costs one WeakMap lookup. Memory is one record per live tag set.
 * NOTE: each field remembers only its newest timestamp, so a reading that repeats an older timestamp
 * after readings with other timestamps is not reported.
 */
export class TimestampCollisions {
  private readonly series = new WeakMap<object, SeriesMemory>();

  /**
   * Remembers the fields of `reading` and returns the collision when one of them already has a value
   * with the same `time_ms` and measurement, and that value differs. Returns undefined otherwise.
   */
  check(reading: Reading): TimestampCollision | undefined {
    const memory = this.memoryOf(reading);
    const time = reading.time_ms;
    let field: string | undefined;
    for (const name in reading.fields) {
      const value = reading.fields[name] as FieldValue;
      if (field === undefined && memory.times[name] === time && memory.values[name] !== value) field = name;
      memory.values[name] = value;
      memory.times[name] = time;
    }
    const overwritten = memory.sequence_time_ms === time ? memory.sequence : undefined;
    memory.sequence = reading.sequence;
    memory.sequence_time_ms = time;
    if (field === undefined) return undefined;
    return overwritten === undefined ? { field } : { field, overwritten_sequence: overwritten };
  }

  /** Returns the memory of the reading's tag set and measurement, created on first use. */
  private memoryOf(reading: Reading): SeriesMemory {
    const first = this.series.get(reading.tags);
    for (let memory = first; memory !== undefined; memory = memory.next) {
      if (memory.measurement === reading.measurement) return memory;
    }
    const created: SeriesMemory = {
      measurement: reading.measurement,
      next: first,
      values: {},
      times: {},
      sequence: undefined,
      sequence_time_ms: Number.NaN,
    };
    this.series.set(reading.tags, created);
    return created;
  }
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

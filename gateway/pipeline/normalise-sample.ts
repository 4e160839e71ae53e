import type { DeviceSample } from '../../devices/sample.js';
import type { FieldValue, Reading, SensorFault } from '../reading.js';
import { normaliseField } from './normalise-field.js';

/** Measurement and tags under which a device's readings are stored. */
export interface DeviceIdentity {
  site: string;
  asset: string;
  measurement: string;
  tags: Readonly<Record<string, string>>;
}

/**
 * Device stamps before 2000-01-01 are not trusted: they come from clocks that were never set, or from
 * timestamps in a unit the device did not declare (a nanosecond count read as milliseconds).
 */
const EARLIEST_TRUSTED_MS = Date.UTC(2000, 0, 1);

/** `integer_fields` of every reading without integer fields, shared instead of one empty set each. */
const NO_INTEGER_FIELDS: ReadonlySet<string> = new Set<string>();

/** Distinct `integer_fields` sets kept at most, far more than the one or two per profile that a fleet uses. */
const INTEGER_FIELD_SETS = 1024;

/**
 * Shared `integer_fields` sets by key, the key being each name prefixed with its length (so the names
 * can be read back). Readings of one profile share one set instead of allocating their own.
 */
const integerFieldSets = new Map<string, ReadonlySet<string>>();

/** Appends a field name to an `integerFieldSets` key. */
function withIntegerField(key: string | undefined, name: string): string {
  return `${key ?? ''}${name.length}:${name}`;
}

/** Returns the shared set of the names in `key`, made once. */
function integerFieldSet(key: string): ReadonlySet<string> {
  const known = integerFieldSets.get(key);
  if (known !== undefined) return known;
  const names = new Set<string>();
  for (let at = 0; at < key.length; ) {
    const colon = key.indexOf(':', at);
    const length = Number(key.slice(at, colon));
    names.add(key.slice(colon + 1, colon + 1 + length));
    at = colon + 1 + length;
  }
  if (integerFieldSets.size >= INTEGER_FIELD_SETS) integerFieldSets.clear();
  integerFieldSets.set(key, names);
  return names;
}

/** The tag set last built for an identity, with the device id and sample tags it was built from. */
interface TagSet {
  device_id: string;
  sample_tags: Readonly<Record<string, string>> | undefined;
  tags: Readonly<Record<string, string>>;
}

/**
 * The tag set last built for each identity. A sample without tags of its own carries its route's tags
 * object, so most samples find their set here by object identity. The readings of a series share one
 * frozen tag object, by which the line-protocol encoder caches the series key.
 */
const tagSets = new WeakMap<DeviceIdentity, TagSet>();

/** Distinct tag sets kept per identity, far more than the compartments of one device. */
const TAG_SETS_PER_IDENTITY = 1024;

/**
 * Tag sets by identity and content (device id and sample tags), made when an identity gets a second
 * content, such as a reefer's second compartment. Each message brings a new tags object, yet a series must
 * keep one frozen tag set, because its receive times are kept by that set.
 */
const tagSetsByContent = new WeakMap<DeviceIdentity, Map<string, Readonly<Record<string, string>>>>();

/** Returns a key of a device id and sample tags, each part prefixed with its length. */
function contentKey(device_id: string, tags: Readonly<Record<string, string>> | undefined): string {
  let key = `${device_id.length}:${device_id}`;
  for (const name in tags) {
    const value = tags[name] ?? '';
    key += `|${name.length}:${name}=${value.length}:${value}`;
  }
  return key;
}

/** Makes the frozen tag set of a sample: the identity's tags, the sample's own, site, asset and device. */
function newTagSet(sample: DeviceSample, identity: DeviceIdentity): Readonly<Record<string, string>> {
  return Object.freeze({
    ...identity.tags,
    ...sample.tags,
    site: identity.site,
    asset: identity.asset,
    device: sample.device_id,
  });
}

/** Returns the frozen tag set of a sample's reading, the same object for every sample of one series. */
function readingTags(sample: DeviceSample, identity: DeviceIdentity): Readonly<Record<string, string>> {
  const last = tagSets.get(identity);
  if (last !== undefined && last.device_id === sample.device_id && last.sample_tags === sample.tags) return last.tags;
  let tags: Readonly<Record<string, string>> | undefined;
  if (last === undefined) {
    tags = newTagSet(sample, identity);
  } else {
    let byContent = tagSetsByContent.get(identity);
    if (byContent === undefined) {
      byContent = new Map([[contentKey(last.device_id, last.sample_tags), last.tags]]);
      tagSetsByContent.set(identity, byContent);
    }
    const key = contentKey(sample.device_id, sample.tags);
    tags = byContent.get(key);
    if (tags === undefined) {
      tags = newTagSet(sample, identity);
      if (byContent.size >= TAG_SETS_PER_IDENTITY) byContent.clear();
      byContent.set(key, tags);
    }
  }
  tagSets.set(identity, { device_id: sample.device_id, sample_tags: sample.tags, tags });
  return tags;
}

/**
 * Newest receive time given to each series, by its frozen tag set. InfluxDB keeps one point per series and
 * timestamp, so two readings of a device stamped with the same receive millisecond would overwrite each
 * other. A receive-time reading that would repeat or precede its series' newest one gets that time plus
 * 1 ms instead. A device that sends more than 1,000 messages a second without its own time therefore
 * runs ahead of the clock until it slows down.
 */
const receiveTimes = new WeakMap<object, number>();

/** Receive time that every series starts after: the newest one a previous run of the gateway stored. */
let receiveTimeFloor = 0;

/**
 * Makes receive times of every series later than `time_ms`, the newest receive time already stored. A
 * gateway restarted soon after a burst would otherwise give its first readings times that the burst's
 * readings, stamped ahead of the clock, already have.
 */
export function startReceiveTimesAfter(time_ms: number): void {
  receiveTimeFloor = Math.max(receiveTimeFloor, time_ms);
}

/** Returns a receive time for a reading of `tags` that no earlier receive-time reading of the series has. */
function uniqueReceiveTime(tags: object, receive_ms: number): number {
  const newest = Math.max(receiveTimes.get(tags) ?? 0, receiveTimeFloor);
  const time = receive_ms <= newest ? newest + 1 : receive_ms;
  receiveTimes.set(tags, time);
  return time;
}

export interface PipelineOptions {
  /** Source times further ahead of the receive time than this are not trusted, in milliseconds. */
  max_clock_skew_ms: number;
}

export interface SampleResult {
  /** The reading, absent when no field survived. */
  reading?: Reading;
  faults: SensorFault[];
  /** Fields the device left out or sent as null. */
  missing_fields: number;
  /** True when the payload's own time was rejected as implausible and the receive time used. */
  untrusted_time: boolean;
  /**
   * Why the payload's time was rejected: `ahead` of the receive time by more than the allowed skew,
   * `before_2000`, or `invalid` (not a whole number of milliseconds).
   */
  untrusted_reason?: UntrustedTimeReason;
}

export type UntrustedTimeReason = 'ahead' | 'before_2000' | 'invalid';

function chooseTime(
  sample: DeviceSample,
  options: PipelineOptions,
): { time_ms: number; source: 'source' | 'receive'; untrusted?: UntrustedTimeReason } {
  const source = sample.source_time_ms;
  if (source === undefined) return { time_ms: sample.receive_time_ms, source: 'receive' };
  if (!Number.isSafeInteger(source))
    return { time_ms: sample.receive_time_ms, source: 'receive', untrusted: 'invalid' };
  if (source > sample.receive_time_ms + options.max_clock_skew_ms) {
    return { time_ms: sample.receive_time_ms, source: 'receive', untrusted: 'ahead' };
  }
  if (source < EARLIEST_TRUSTED_MS) {
    return { time_ms: sample.receive_time_ms, source: 'receive', untrusted: 'before_2000' };
  }
  return { time_ms: source, source: 'source' };
}

/**
 * Describes a rejected device time for the log: the device, how far off the time is, the limit, and
 * what to change.
 */
export function untrustedTimeMessage(
  sample: Pick<DeviceSample, 'device_id' | 'source_time_ms' | 'receive_time_ms'>,
  reason: UntrustedTimeReason,
  max_clock_skew_ms: number,
): string {
  const device = `device ${sample.device_id}`;
  const stored = 'so the reading is stored at the receive time';
  if (reason === 'invalid') {
    return `${device} timestamp ${String(sample.source_time_ms)} is not a whole number of milliseconds, ${stored}. Check the time field and its unit in the payload mapping`;
  }
  const source_ms = sample.source_time_ms ?? sample.receive_time_ms;
  if (reason === 'before_2000') {
    return `${device} timestamp ${new Date(source_ms).toISOString()} is before 2000-01-01, ${stored}. Set the device clock, or fix the time unit in the payload mapping`;
  }
  const skew_s = Math.round((source_ms - sample.receive_time_ms) / 1000);
  const limit_s = max_clock_skew_ms / 1000;
  return (
    `${device} timestamp is ${skew_s} s ahead of the receive time, more than max_clock_skew_s (${limit_s} s), ${stored}. ` +
    'Fix the device clock. A simulator on an accelerated clock (firmware-sim --time-scale above 1) runs ' +
    'further ahead every second, so raise max_clock_skew_s in the config above the skew of the whole run'
  );
}

/**
 * Decoded sample → normalised, validated, tagged reading. Steps: pick the time (the device's stamp when it
 * carries a plausible one, else the receive time), normalise each field, collect faults, tag.
 */
export function normaliseSample(
  sample: DeviceSample,
  identity: DeviceIdentity,
  options: PipelineOptions,
): SampleResult {
  const time = chooseTime(sample, options);
  const fields: Record<string, FieldValue> = {};
  let keptFields = 0;
  let integerKey: string | undefined;
  const faults: SensorFault[] = [];
  let missing = 0;

  for (const field of sample.fields) {
    const outcome = normaliseField(field);
    if (outcome.kind === 'missing') {
      missing++;
    } else if (outcome.kind === 'fault') {
      faults.push({
        device_id: sample.device_id,
        site: identity.site,
        asset: identity.asset,
        field: field.spec.name,
        code: outcome.code,
        raw_value: outcome.raw,
        time_ms: time.time_ms,
        time_source: time.source,
      });
    } else {
      fields[field.spec.name] = outcome.value;
      keptFields += 1;
      if (field.spec.type === 'integer') integerKey = withIntegerField(integerKey, field.spec.name);
    }
  }
  missing += sample.errors.length;

  const result: SampleResult = {
    faults,
    missing_fields: missing,
    untrusted_time: time.untrusted !== undefined,
    ...(time.untrusted === undefined ? {} : { untrusted_reason: time.untrusted }),
  };
  if (keptFields === 0) return result;
  const tags = readingTags(sample, identity);
  const time_ms = time.source === 'receive' ? uniqueReceiveTime(tags, time.time_ms) : time.time_ms;
  if (sample.sequence !== undefined && Number.isSafeInteger(sample.sequence)) {
    fields.seq = sample.sequence;
    integerKey = withIntegerField(integerKey, 'seq');
  }
  result.reading = {
    measurement: identity.measurement,
    tags,
    fields,
    integer_fields: integerKey === undefined ? NO_INTEGER_FIELDS : integerFieldSet(integerKey),
    time_ms,
    time_source: time.source,
    ...(sample.sequence !== undefined ? { sequence: sample.sequence } : {}),
  };
  return result;
}

/** Converts a sensor fault to a `sensor_fault` reading, so operators see it beside the data. */
export function faultReading(fault: SensorFault): Reading {
  return {
    measurement: 'sensor_fault',
    tags: { site: fault.site, asset: fault.asset, device: fault.device_id, field: fault.field },
    fields: { code: fault.code, raw_value: fault.raw_value },
    integer_fields: new Set(),
    time_ms: fault.time_ms,
    time_source: fault.time_source,
  };
}

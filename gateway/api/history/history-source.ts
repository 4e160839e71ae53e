/**
 * Where reading history comes from: InfluxDB when the gateway writes to it, else the local SQLite store.
 * Both return the same shapes, grouped by series (the tag set), so a reefer's compartments stay apart.
 */
import type { FieldValue } from '../../reading.js';

export interface HistoryRequest {
  /** Value of the `site` tag, so gateways sharing one database read only their own series. */
  site: string;
  device: string;
  measurement: string;
  field: string;
  /** Start of the range, inclusive, in milliseconds since the epoch. */
  from_ms: number;
  /** End of the range, inclusive, in milliseconds since the epoch. */
  to_ms: number;
}

export interface RawPoint {
  time_ms: number;
  value: FieldValue;
}

/** Numeric values of one time bucket; `time_ms` is the bucket start. */
export interface Bucket {
  time_ms: number;
  min: number;
  mean: number;
  max: number;
  count: number;
}

export interface Series<P> {
  tags: Record<string, string>;
  points: P[];
}

export interface HistorySource {
  readonly name: 'influx' | 'local_store';
  /** Returns at most `limit` points per series, oldest first. */
  raw(request: HistoryRequest, limit: number): Promise<Array<Series<RawPoint>>>;
  /** Returns the numeric values aggregated into buckets of `bucket_ms` aligned to the epoch; empty buckets are left out. */
  buckets(request: HistoryRequest, bucket_ms: number): Promise<Array<Series<Bucket>>>;
}

/** Sorted `key=value` pairs, so series with the same tags compare equal. */
export function tagKey(tags: Record<string, string>): string {
  return Object.keys(tags)
    .sort()
    .map((key) => `${key}=${tags[key]}`)
    .join(',');
}

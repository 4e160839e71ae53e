/**
 * A normalised reading: what the pipeline produces from one `DeviceSample` and every output consumes.
 * Values are in canonical units (°C for temperatures), typed as their field declares, and tagged.
 */

export type FieldValue = number | boolean | string;

/**
 * Origin of a reading's `time_ms`. `source`: the device's own stamp. `receive`: the clock of the
 * gateway that received or made the point, the only times that advance the durable queue's receive clock.
 * `event`: the time of the event an `alarm` reading records, which the alarm engine took from a reading
 * (a device stamp or a receive time), from a sensor fault, or from its own clock (a tick, a command).
 */
export type TimeSource = 'source' | 'receive' | 'event';

export interface Reading {
  /** InfluxDB measurement (`cold_room`, `reefer`, ...). */
  measurement: string;
  /** Always contains `site`, `asset` and `device`; more tags may follow (`compartment`). */
  tags: Readonly<Record<string, string>>;
  /** Valid field values only: no NaN, Infinity or null ever reaches this map. */
  fields: Record<string, FieldValue>;
  /** Names of fields declared integer; they are written with the `i` suffix. */
  integer_fields: ReadonlySet<string>;
  /** Timestamp in integer milliseconds since the epoch. */
  time_ms: number;
  time_source: TimeSource;
  /** Sequence number from the payload, when the device sends one. */
  sequence?: number;
}

/** A value the pipeline refused to store as a reading (a probe fault, an out-of-range value). */
export interface SensorFault {
  device_id: string;
  asset: string;
  site: string;
  field: string;
  /** Stable code such as `SENSOR_SENTINEL` or `SENSOR_OUT_OF_RANGE`. */
  code: string;
  /** The raw value as received, for the operator. */
  raw_value: string;
  /** Time of the sample the value came in: the device's stamp, or the gateway's receive time. */
  time_ms: number;
  time_source: 'source' | 'receive';
}

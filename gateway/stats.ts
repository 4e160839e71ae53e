/** Counters of the gateway's own work, shown in the summary and written as self-metrics. */
export interface GatewayStats {
  /** Readings of the inputs (MQTT, Modbus) accepted by the pipeline. */
  readings: number;
  /** `readings` per device id. */
  readings_by_device: Map<string, number>;
  /** `alarm` readings of alarm transitions, queued for the outputs and not part of `readings`. */
  alarm_readings: number;
  /** Field values refused as sensor faults (sentinel, out of range, wrong type). */
  sensor_faults: number;
  /** Payloads that could not be decoded at all. */
  payload_errors: number;
  /** Messages on topics that map to no device. */
  unknown_topics: number;
  /** Retained messages skipped because they carried no timestamp. */
  retained_skipped: number;
  /**
   * Modbus input problems: polls that produced no sample (timeout, connection or frame error, gateway
   * exception), and single read requests that got an exception reply within a poll that went on.
   */
  poll_errors: number;
  /** Readings whose payload time was implausible, stored at the receive time instead. */
  untrusted_times: number;
  /**
   * Readings that overwrote the previous reading of their series: same device timestamp, another value
   * of a shared field. The earlier reading is lost in InfluxDB and the local store.
   */
  timestamp_collisions: number;
  /** `timestamp_collisions` per device id. */
  timestamp_collisions_by_device: Map<string, number>;
  /**
   * Single fields a decoder could not read from an otherwise valid MQTT payload (missing path, wrong type)
   * or Modbus reply (short reply, NaN float). A failed Modbus request counts once in `poll_errors` instead.
   */
  field_errors: number;
  /** `field_errors` per device id. */
  field_errors_by_device: Map<string, number>;
}

export function createStats(): GatewayStats {
  return {
    readings: 0,
    readings_by_device: new Map(),
    alarm_readings: 0,
    sensor_faults: 0,
    payload_errors: 0,
    unknown_topics: 0,
    retained_skipped: 0,
    poll_errors: 0,
    untrusted_times: 0,
    timestamp_collisions: 0,
    timestamp_collisions_by_device: new Map(),
    field_errors: 0,
    field_errors_by_device: new Map(),
  };
}

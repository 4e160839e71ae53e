import { EventEmitter } from 'node:events';
import type { DroppedFieldsReport } from './outputs/influx-line-encoder.js';
import type { Reading, SensorFault } from './reading.js';

/** A problem with an input that did not stop it: a bad payload, an unknown topic, a failed poll. */
export interface InputProblem {
  source: 'mqtt' | 'modbus';
  /** Stable code: `PAYLOAD_JSON_INVALID`, `MQTT_UNKNOWN_TOPIC`, `MODBUS_TIMEOUT`... */
  code: string;
  message: string;
  device_id?: string;
  topic?: string;
  /** Modbus read request that failed, as `fc4@0+7` (function code, start address, quantity). */
  request?: string;
  /** True when the device's payload was rejected whole, such as invalid JSON or a missing device id. */
  payload_rejected?: boolean;
}

/**
 * A field that a device sent but the driver could not read, such as `"Infinity"` or an object where a
 * number belongs. The field is left out of the reading, and the rest of the sample is kept.
 */
export interface FieldProblem {
  device_id: string;
  /** Stored name of the field, such as `air_temp_c`. */
  field: string;
  /** Stable code: `FIELD_NOT_NUMBER`, `FIELD_MISSING`, `MODBUS_REPLY_SHORT`... */
  code: string;
  message: string;
}

/**
 * A reading that overwrote a value of an earlier reading of its series with the same device timestamp,
 * so the earlier value is lost in InfluxDB and the local store.
 */
export interface TimestampCollisionEvent {
  device_id: string;
  measurement: string;
  /** Device timestamp the two readings share, in milliseconds since the epoch. */
  time_ms: number;
  /** Name of the first field whose stored value the reading replaced. */
  field: string;
}

export interface DeviceState {
  device_id: string;
  up: boolean;
  consecutive_failures: number;
  last_error?: string;
}

/**
 * Every message features exchange. Inputs publish readings, faults and problems; outputs, the summary and
 * later features (alarms, capacity) subscribe. No feature calls another directly.
 */
export interface GatewayEvents {
  /** A reading of an input (MQTT, Modbus) that the pipeline accepted. */
  reading: [Reading];
  /** An `alarm` reading of an alarm transition, written to the outputs beside the input readings. */
  alarm_reading: [Reading];
  sensor_fault: [SensorFault];
  input_problem: [InputProblem];
  field_error: [FieldProblem];
  /** A reading that overwrote an earlier reading of its series, emitted before that `reading`. */
  timestamp_collision: [TimestampCollisionEvent];
  device_state: [DeviceState];
  /** A point of the `device_health` series of a polled device, written beside the readings. */
  device_health: [Reading];
  /** Fields that the InfluxDB output left out of a reading whose other fields it writes. */
  influx_fields_dropped: [DroppedFieldsReport];
}

export class EventBus extends EventEmitter<GatewayEvents> {}

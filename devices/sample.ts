/**
 * The contract between the device drivers and the gateway pipeline. A driver turns what came off the
 * wire (an MQTT message, a Modbus reply) into one `DeviceSample`: raw field values in the units and
 * types the device sends, before any normalisation. Drivers never log; they return samples and errors.
 */

/** Declared type of a stored field. It never changes once written (InfluxDB rejects the switch). */
export type FieldType = 'float' | 'integer' | 'boolean' | 'string';

/** Unit of a raw value as the device sends it. Temperatures are converted to °C by the pipeline. */
export type Unit =
  | 'C'
  | 'F'
  | 'K'
  | 'percent'
  | 'bar'
  | 'kPa'
  | 'V'
  | 'A'
  | 'W'
  | 'kWh'
  | 'km/h'
  | 'deg'
  | 'dB'
  | 'none';

/** Description of one field of a device: what it is called once stored, and how to check it. */
export interface FieldSpec {
  /** Stored field name, snake_case with the unit in the name (`air_temp_c`). */
  name: string;
  /** Declared stored type. */
  type: FieldType;
  /** Unit the device sends the value in, after scale and offset. Default `none`. */
  unit?: Unit;
  /** Multiplier applied to the raw value (after sign extension for register values). Default 1. */
  scale?: number;
  /** Added after scaling. Default 0. */
  offset?: number;
  /** Lowest plausible value, in the stored unit (°C for temperatures); lower values are faults. */
  valid_min?: number;
  /** Highest plausible value, in the stored unit; higher values are faults. */
  valid_max?: number;
  /**
   * Values that mean "no probe" or "probe fault" rather than a measurement, compared against the
   * scaled value in the device's own unit (for example 327.67 for 0x7FFF × 0.01, or -127).
   */
  sentinels?: number[];
}

/** One field value as decoded from the wire, still in the device's unit. */
export interface RawField {
  spec: FieldSpec;
  /** Scaled value; `null` when the device sent nothing usable for this field. */
  value: number | boolean | string | bigint | null;
}

/** A field the driver could not decode, with the reason. The sample's other fields stay usable. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** Everything one device reported at one instant. */
export interface DeviceSample {
  device_id: string;
  /** Time the gateway received the message or reply, integer milliseconds since the epoch. */
  receive_time_ms: number;
  /** Time the device stamped on the payload, integer milliseconds since the epoch, if it carried one. */
  source_time_ms?: number;
  /** True when an MQTT broker delivered a retained message (an old value, not a fresh reading). */
  retained: boolean;
  /** Sequence number carried in the payload, used to count loss and duplication. */
  sequence?: number;
  /** Extra tags the payload or topic carries (for example a reefer compartment). */
  tags?: Readonly<Record<string, string>>;
  fields: RawField[];
  errors: FieldError[];
}

/** Encoding of readings as the InfluxDB lines that the durable queue stores at commit time. */
import type { Reading } from '../reading.js';
import { type DroppedField, type LineResult, type TimePrecision, toLine } from './line-protocol.js';
import { LineProtocolError } from './output-errors.js';

/** Fields that a written line of one reading leaves out, as the InfluxDB sinks emit them in `fields_dropped`. */
export interface DroppedFieldsReport {
  /** The reading's `device` tag. */
  device_id: string;
  measurement: string;
  dropped_fields: readonly DroppedField[];
}

/** Returns the report of the fields that the line of `reading` leaves out. */
export function droppedFieldsReport(reading: Reading, dropped_fields: readonly DroppedField[]): DroppedFieldsReport {
  return { device_id: reading.tags.device ?? '', measurement: reading.measurement, dropped_fields };
}

/** Serialises a reading with `toLine`; returns null when a name cannot be written in line protocol. */
export function lineResult(reading: Reading, precision: TimePrecision): LineResult | null {
  try {
    return toLine(reading, precision);
  } catch (error) {
    if (error instanceof LineProtocolError) return null;
    throw error;
  }
}

/** Line encoder of an InfluxDB sink, counting and reporting the fields it leaves out. */
export class InfluxLineEncoder {
  /** Fields left out of encoded lines (null, NaN, ±Infinity...), counted since construction. */
  dropped_fields = 0;

  /** `onDroppedFields` runs for each encoded line that leaves out a field, and only then. */
  constructor(
    private readonly precision: TimePrecision,
    private readonly onDroppedFields: (report: DroppedFieldsReport) => void = () => undefined,
  ) {}

  /** Returns the line of a reading, or null when it has no valid field or an invalid name. */
  encode(reading: Reading): string | null {
    const result = lineResult(reading, this.precision);
    if (result === null || result.line === null) return null;
    // A reading without a line is counted by the sink when it sends the reading's JSON instead.
    if (result.dropped_fields.length > 0) {
      this.dropped_fields += result.dropped_fields.length;
      this.onDroppedFields(droppedFieldsReport(reading, result.dropped_fields));
    }
    return result.line;
  }
}

/** Encoding of readings as the InfluxDB lines that the durable queue stores at commit time. */
import type { Reading } from '../reading.js';
import { type LineResult, type TimePrecision, toLine } from './line-protocol.js';
import { LineProtocolError } from './output-errors.js';

/** Serialises a reading with `toLine`; returns null when a name cannot be written in line protocol. */
export function lineResult(reading: Reading, precision: TimePrecision): LineResult | null {
  try {
    return toLine(reading, precision);
  } catch (error) {
    if (error instanceof LineProtocolError) return null;
    throw error;
  }
}

/** Line encoder of an InfluxDB sink, counting the fields it leaves out. */
export class InfluxLineEncoder {
  /** Fields left out of encoded lines (null, NaN, ±Infinity...), counted since construction. */
  dropped_fields = 0;

  constructor(private readonly precision: TimePrecision) {}

  /** Returns the line of a reading, or null when it has no valid field or an invalid name. */
  encode(reading: Reading): string | null {
    const result = lineResult(reading, this.precision);
    if (result === null || result.line === null) return null;
    // A reading without a line is counted by the sink when it sends the reading's JSON instead.
    this.dropped_fields += result.dropped_fields.length;
    return result.line;
  }
}

/** Encoding of a `Reading` as the JSON text of a queue row, and back, without losing field types. */
import type { FieldValue, Reading, TimeSource } from '../reading.js';

/** A reading read back from the queue, with its row id (the order it was accepted in). */
export interface QueuedPoint {
  id: number;
  reading: Reading;
  /** Time the queue committed the point, in milliseconds since the epoch. */
  enqueued_ms: number;
}

/** JSON shape of a queue row; short keys keep rows small. */
interface EncodedReading {
  m: string;
  t: Record<string, string>;
  f: Record<string, FieldValue>;
  /** Names of integer fields. */
  i: string[];
  ms: number;
  s: TimeSource;
  q?: number;
}

/** Encodes a reading as JSON. Integer field names are kept so that replays write the same field types. */
export function encodeReading(reading: Reading): string {
  const encoded: EncodedReading = {
    m: reading.measurement,
    t: reading.tags,
    f: reading.fields,
    i: [...reading.integer_fields],
    ms: reading.time_ms,
    s: reading.time_source,
  };
  if (reading.sequence !== undefined) encoded.q = reading.sequence;
  return JSON.stringify(encoded);
}

/** Decodes a reading written by `encodeReading`, given as JSON text or as the parsed value. */
export function decodeReading(source: string | unknown): Reading {
  const encoded = (typeof source === 'string' ? JSON.parse(source) : source) as EncodedReading;
  const reading: Reading = {
    measurement: encoded.m,
    tags: encoded.t,
    fields: encoded.f,
    integer_fields: new Set(encoded.i),
    time_ms: encoded.ms,
    time_source: encoded.s,
  };
  if (encoded.q !== undefined) reading.sequence = encoded.q;
  return reading;
}

/** Decodes the JSON body of a queue row into its points. */
export function decodeRow(id: number, enqueued_ms: number, body: string): QueuedPoint[] {
  return (JSON.parse(body) as unknown[]).map((item) => ({ id, enqueued_ms, reading: decodeReading(item) }));
}

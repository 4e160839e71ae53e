/**
 * Wire format between an edge gateway and the central side. Topics:
 * `<prefix>/<site>/<node_id>/readings` carries `{ "node_id", "readings": [UpstreamReading...] }`, and
 * `<prefix>/<site>/<node_id>/alarms` carries one alarm object as the gateway's alarm engine produces it.
 * Readings keep their integer field names, so the central InfluxDB gets the same field types as the site.
 */
import { sanitiseTopicLevel as topicLevel } from '../outputs/mqtt-republish.js';
import type { FieldValue, Reading, TimeSource } from '../reading.js';

/** One reading on the wire. */
export interface UpstreamReading {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Names of the fields declared integer. */
  integer_fields: string[];
  /** Timestamp, integer milliseconds since the epoch. */
  time_ms: number;
  time_source: TimeSource;
  /** Sequence number of the device, when it sends one. */
  seq?: number;
}

/** Payload of a readings message. */
export interface UpstreamBatch {
  node_id: string;
  readings: UpstreamReading[];
}

/** Error for a message the central side cannot decode; the message is skipped and counted. */
export class UpstreamMessageError extends Error {
  override readonly name = 'UpstreamMessageError';
  readonly code = 'UPSTREAM_MESSAGE_INVALID';
}

export function readingsTopic(prefix: string, site: string, node_id: string): string {
  return `${prefix}/${topicLevel(site)}/${topicLevel(node_id)}/readings`;
}

export function alarmsTopic(prefix: string, site: string, node_id: string): string {
  return `${prefix}/${topicLevel(site)}/${topicLevel(node_id)}/alarms`;
}

export function encodeBatch(node_id: string, readings: readonly Reading[]): string {
  const batch: UpstreamBatch = {
    node_id,
    readings: readings.map((reading) => ({
      measurement: reading.measurement,
      tags: reading.tags,
      fields: reading.fields,
      integer_fields: [...reading.integer_fields],
      time_ms: reading.time_ms,
      time_source: reading.time_source,
      ...(reading.sequence !== undefined ? { seq: reading.sequence } : {}),
    })),
  };
  return JSON.stringify(batch);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns a known time source as sent, and `receive` for any other value. */
function timeSourceOf(value: unknown): TimeSource {
  return value === 'source' || value === 'event' ? value : 'receive';
}

function decodeOne(value: unknown, index: number): Reading {
  if (
    !isRecord(value) ||
    typeof value.measurement !== 'string' ||
    !isRecord(value.tags) ||
    !isRecord(value.fields) ||
    !Array.isArray(value.integer_fields) ||
    !Number.isSafeInteger(value.time_ms)
  ) {
    throw new UpstreamMessageError(
      `reading ${index} lacks measurement, tags, fields, integer_fields or an integer time_ms; check the sender's version`,
    );
  }
  const reading: Reading = {
    measurement: value.measurement,
    tags: value.tags as Record<string, string>,
    fields: value.fields as Record<string, FieldValue>,
    integer_fields: new Set(value.integer_fields as string[]),
    time_ms: value.time_ms as number,
    time_source: timeSourceOf(value.time_source),
  };
  if (typeof value.seq === 'number') reading.sequence = value.seq;
  return reading;
}

/** Decodes a readings message; throws `UpstreamMessageError` naming the first invalid part. */
export function decodeBatch(payload: Buffer | string): { node_id: string; readings: Reading[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString());
  } catch (error) {
    throw new UpstreamMessageError(`readings message is not JSON (${(error as Error).message})`);
  }
  if (!isRecord(parsed) || typeof parsed.node_id !== 'string' || !Array.isArray(parsed.readings)) {
    throw new UpstreamMessageError('readings message lacks node_id or the readings array');
  }
  return { node_id: parsed.node_id, readings: parsed.readings.map(decodeOne) };
}

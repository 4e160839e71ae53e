import { describe, expect, it } from 'vitest';
import { TimestampCollisions, timestampCollisionMessage } from '../../../gateway/pipeline/timestamp-collisions.js';
import type { FieldValue, Reading } from '../../../gateway/reading.js';

const ROOM_TAGS = Object.freeze({ site: 's', asset: 'room-1', device: 'room-1' });
const TRUCK_TAGS = Object.freeze({ site: 's', asset: 'truck-1', device: 'truck-1' });
const SECOND = Date.UTC(2026, 11, 4, 15, 0, 0);

function reading(
  fields: Record<string, FieldValue>,
  time_ms = SECOND,
  tags: object = ROOM_TAGS,
  sequence?: number,
): Reading {
  const result: Reading = {
    measurement: 'cold_room',
    tags: tags as Reading['tags'],
    fields,
    integer_fields: new Set(),
    time_ms,
    time_source: 'source',
  };
  if (sequence !== undefined) result.sequence = sequence;
  return result;
}

describe('TimestampCollisions', () => {
  it('reports a same-time reading with other values', () => {
    const collisions = new TimestampCollisions();
    expect(collisions.check(reading({ air_temp_c: 3.5, seq: 5001 }, SECOND, ROOM_TAGS, 5001))).toBeUndefined();
    expect(collisions.check(reading({ air_temp_c: 3.5, seq: 5002 }, SECOND, ROOM_TAGS, 5002))).toEqual({
      field: 'seq',
      overwritten_sequence: 5001,
    });
  });

  it('names the newest overwritten sequence', () => {
    const collisions = new TimestampCollisions();
    collisions.check(reading({ seq: 1 }, SECOND, ROOM_TAGS, 1));
    collisions.check(reading({ seq: 2 }, SECOND, ROOM_TAGS, 2));
    expect(collisions.check(reading({ seq: 3 }, SECOND, ROOM_TAGS, 3))).toEqual({
      field: 'seq',
      overwritten_sequence: 2,
    });
  });

  it('omits a missing sequence', () => {
    const collisions = new TimestampCollisions();
    collisions.check(reading({ air_temp_c: 3.5 }));
    expect(collisions.check(reading({ air_temp_c: 4 }))).toEqual({ field: 'air_temp_c' });
  });

  it('ignores an identical repeat', () => {
    const collisions = new TimestampCollisions();
    collisions.check(reading({ air_temp_c: 3.5, seq: 5003 }));
    expect(collisions.check(reading({ air_temp_c: 3.5, seq: 5003 }))).toBeUndefined();
  });

  it('ignores readings with disjoint fields', () => {
    const collisions = new TimestampCollisions();
    collisions.check(reading({ air_temp_c: 3.5 }));
    expect(collisions.check(reading({ humidity_pct: 80 }))).toBeUndefined();
  });

  it('compares fields of earlier same-time readings', () => {
    // The stores merge the first two readings into one point, which the third then changes.
    const collisions = new TimestampCollisions();
    collisions.check(reading({ air_temp_c: 3.5 }));
    collisions.check(reading({ humidity_pct: 80 }));
    expect(collisions.check(reading({ air_temp_c: 4 }))).toEqual({ field: 'air_temp_c' });
  });

  it('ignores a new timestamp', () => {
    const collisions = new TimestampCollisions();
    collisions.check(reading({ seq: 1 }));
    expect(collisions.check(reading({ seq: 2 }, SECOND + 1))).toBeUndefined();
  });

  it('keeps series apart', () => {
    const collisions = new TimestampCollisions();
    collisions.check(reading({ seq: 1 }, SECOND, ROOM_TAGS));
    expect(collisions.check(reading({ seq: 2 }, SECOND, TRUCK_TAGS))).toBeUndefined();
  });

  it('keeps measurements apart', () => {
    const collisions = new TimestampCollisions();
    collisions.check(reading({ seq: 1 }));
    expect(collisions.check({ ...reading({ seq: 2 }), measurement: 'device_health' })).toBeUndefined();
    expect(collisions.check(reading({ seq: 3 }))).toEqual({ field: 'seq' });
  });

  it('misses a repeat of an older timestamp', () => {
    const collisions = new TimestampCollisions();
    collisions.check(reading({ seq: 1 }, SECOND));
    collisions.check(reading({ seq: 2 }, SECOND + 1000));
    expect(collisions.check(reading({ seq: 3 }, SECOND))).toBeUndefined();
  });
});

describe('timestampCollisionMessage', () => {
  it('names the device, the time and the fixes', () => {
    const message = timestampCollisionMessage('room-1', SECOND);
    expect(message).toContain('device room-1 sent two readings with the same timestamp 2026-12-04T15:00:00.000Z');
    expect(message).toContain('a whole second, as epoch seconds give');
    expect(message).toContain('epoch milliseconds');
    expect(message).toContain('remove time_path from the payload mapping');
  });

  it('leaves out the second hint for a millisecond time', () => {
    expect(timestampCollisionMessage('room-1', SECOND + 412)).not.toContain('whole second');
  });
});

import { describe, expect, it } from 'vitest';
import type { Reading } from '../../gateway/reading.js';
import { upstreamConfigSchema } from '../../gateway/upstream/upstream-config.js';
import { decodeBatch, encodeBatch, readingsTopic } from '../../gateway/upstream/upstream-message.js';

const reading: Reading = {
  measurement: 'cold_room',
  tags: { site: 'north', asset: 'room-1', device: 'probe-1' },
  fields: { air_temp_c: 3.5, battery_pct: 91, door_open: false },
  integer_fields: new Set(['battery_pct']),
  time_ms: 1_796_400_000_123,
  time_source: 'source',
  sequence: 42,
};

describe('upstream message', () => {
  it('round-trips a reading', () => {
    const decoded = decodeBatch(encodeBatch('edge-1', [reading]));
    expect(decoded.node_id).toBe('edge-1');
    expect(decoded.readings).toEqual([reading]);
  });

  it('keeps integer field names', () => {
    const [back] = decodeBatch(encodeBatch('edge-1', [reading])).readings;
    expect([...(back?.integer_fields ?? [])]).toEqual(['battery_pct']);
  });

  it('rejects a batch without readings', () => {
    expect(() => decodeBatch('{"node_id":"edge-1"}')).toThrow(/readings array/);
  });

  it('rejects text that is not json', () => {
    expect(() => decodeBatch('not json')).toThrow(/not JSON/);
  });

  it('rejects a reading with a float time', () => {
    const bad = JSON.stringify({ node_id: 'a', readings: [{ ...reading, integer_fields: [], time_ms: 1.5 }] });
    expect(() => decodeBatch(bad)).toThrow(/reading 0/);
  });

  it('sanitises topic levels', () => {
    expect(readingsTopic('county/up', 'site/1', 'node+2')).toBe('county/up/site_1/node_2/readings');
  });

  it('rejects a wildcard topic prefix', () => {
    expect(upstreamConfigSchema.safeParse({ url: 'mqtt://127.0.0.1:1883', topic_prefix: 'a/#' }).success).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { type DroppedFieldsReport, InfluxLineEncoder } from '../../../gateway/outputs/influx-line-encoder.js';
import type { Reading } from '../../../gateway/reading.js';

function reading(fields: Record<string, unknown>): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 's', asset: 'a', device: 'room-1' },
    fields: fields as Reading['fields'],
    integer_fields: new Set<string>(),
    time_ms: 1_700_000_000_000,
    time_source: 'receive',
  };
}

function recordingEncoder(): { encoder: InfluxLineEncoder; reports: DroppedFieldsReport[] } {
  const reports: DroppedFieldsReport[] = [];
  const encoder = new InfluxLineEncoder('ms', (report) => reports.push(report));
  return { encoder, reports };
}

describe('InfluxLineEncoder', () => {
  it('reports a field with a newline', () => {
    const { encoder, reports } = recordingEncoder();
    const line = encoder.encode(reading({ air_temp_c: 3.5, note: 'door\nopen' }));
    expect(line).toBe('cold_room,asset=a,device=room-1,site=s air_temp_c=3.5 1700000000000');
    expect(reports).toEqual([
      { device_id: 'room-1', measurement: 'cold_room', dropped_fields: [{ field: 'note', reason: 'newline' }] },
    ]);
    expect(encoder.dropped_fields).toBe(1);
  });

  it('lists every dropped field of a reading', () => {
    const { encoder, reports } = recordingEncoder();
    encoder.encode(reading({ air_temp_c: 3.5, rh: Number.NaN, probe_c: Number.POSITIVE_INFINITY }));
    expect(reports).toHaveLength(1);
    expect(reports[0]?.dropped_fields).toEqual([
      { field: 'rh', reason: 'nan' },
      { field: 'probe_c', reason: 'infinite' },
    ]);
    expect(encoder.dropped_fields).toBe(2);
  });

  it('stays silent for a complete line', () => {
    const { encoder, reports } = recordingEncoder();
    encoder.encode(reading({ air_temp_c: 3.5, door_open: false }));
    expect(reports).toEqual([]);
    expect(encoder.dropped_fields).toBe(0);
  });

  it('leaves a reading without a line to the sink', () => {
    const { encoder, reports } = recordingEncoder();
    expect(encoder.encode(reading({ note: 'door\nopen' }))).toBeNull();
    expect(reports).toEqual([]);
    expect(encoder.dropped_fields).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { alarmConfigSchema } from '../../../gateway/alarms/alarm-config.js';
import { resolveAssetProfiles } from '../../../gateway/alarms/asset-profile.js';
import { AuditTrail } from '../../../gateway/audit/audit-trail.js';
import { correctRecord, ReadingRecorder } from '../../../gateway/audit/reading-recorder.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import type { Reading } from '../../../gateway/reading.js';

const START = Date.UTC(2026, 11, 1);
const MIN = 60_000;

function setup() {
  const config = alarmConfigSchema.parse({
    assets: [
      { id: 'room-1', class: 'chilled' },
      {
        id: 'truck-1/front',
        kind: 'truck_compartment',
        class: 'frozen',
        match: { asset: 'truck-1', compartment: 'front' },
      },
    ],
  });
  const trail = new AuditTrail(openRecordsDatabase(':memory:'));
  const recorder = new ReadingRecorder(trail, resolveAssetProfiles(config), config.records);
  return { trail, recorder };
}

function room(minute: number, air_temp_c: number): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 's', asset: 'room-1', device: 'ctl-1' },
    fields: { air_temp_c },
    integer_fields: new Set(),
    time_ms: START + minute * MIN,
    time_source: 'source',
  };
}

function truck(minute: number, box_temp_c: number): Reading {
  return {
    ...room(minute, 0),
    tags: { site: 's', asset: 'truck-1', device: 'r-1', compartment: 'front' },
    fields: { box_temp_c },
  };
}

function recordedMinutes(trail: AuditTrail, subject: string): number[] {
  return trail.entries({ kind: 'record', subject }).map((entry) => (entry.time_ms - START) / MIN);
}

describe('reading recorder', () => {
  it('records storage every 30 minutes', () => {
    const { trail, recorder } = setup();
    for (let minute = 0; minute < 120; minute++) recorder.handleReading(room(minute, 3));
    expect(recordedMinutes(trail, 'room-1')).toEqual([0, 30, 60, 90]);
  });

  it('records transport every 5 minutes', () => {
    const { trail, recorder } = setup();
    for (let minute = 0; minute < 20; minute++) recorder.handleReading(truck(minute, -19));
    expect(recordedMinutes(trail, 'truck-1/front')).toEqual([0, 5, 10, 15]);
  });

  it('records out of range every 2 minutes', () => {
    const { trail, recorder } = setup();
    for (let minute = 0; minute < 40; minute++)
      recorder.handleReading(room(minute, minute >= 10 && minute < 17 ? 7 : 3));
    expect(recordedMinutes(trail, 'room-1')).toEqual([0, 10, 12, 14, 16, 17]);
  });

  it('restores the last record time', () => {
    const { trail, recorder } = setup();
    recorder.handleReading(room(0, 3));
    const profiles = resolveAssetProfiles(alarmConfigSchema.parse({ assets: [{ id: 'room-1', class: 'chilled' }] }));
    const restarted = new ReadingRecorder(trail, profiles, alarmConfigSchema.parse({}).records);
    restarted.handleReading(room(10, 3));
    restarted.handleReading(room(30, 3));
    expect(recordedMinutes(trail, 'room-1')).toEqual([0, 30]);
  });

  it('appends a correction pointing at its record', () => {
    const { trail, recorder } = setup();
    const [record] = recorder.handleReading(room(0, 3));
    const correction = correctRecord(trail, {
      corrects_seq: record?.seq ?? 0,
      value_c: 2.6,
      reason: 'probe offset -0.4 K per certificate C-118',
      actor: 'qa',
      time_ms: START + 5 * MIN,
    });
    expect(correction.kind).toBe('correction');
    expect(trail.entry(record?.seq ?? 0)?.payload).toMatchObject({ value_c: 3 });
  });

  it('rejects a correction of a non-record', () => {
    const { trail } = setup();
    const entry = trail.append({ time_ms: START, kind: 'alarm_comment', actor: 'a', subject: 'x', payload: {} });
    expect(() =>
      correctRecord(trail, { corrects_seq: entry.seq, value_c: 1, reason: 'r', actor: 'a', time_ms: START }),
    ).toThrow(/has kind alarm_comment, not record/);
  });
});

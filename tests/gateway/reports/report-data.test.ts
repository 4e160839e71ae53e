import { describe, expect, it } from 'vitest';
import { alarmConfigSchema } from '../../../gateway/alarms/alarm-config.js';
import { AlarmEngine } from '../../../gateway/alarms/alarm-engine.js';
import { AlarmStore } from '../../../gateway/alarms/alarm-store.js';
import { resolveAssetProfiles } from '../../../gateway/alarms/asset-profile.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import { LocalStore } from '../../../gateway/outputs/local-store.js';
import type { Reading } from '../../../gateway/reading.js';
import { unionOfPeriods } from '../../../gateway/reports/excursions.js';
import { readingsSha256 } from '../../../gateway/reports/report-csv.js';
import { buildReport } from '../../../gateway/reports/report-data.js';

const START = Date.UTC(2026, 11, 1);
const MIN = 60_000;
/** Time the reports are generated: after every window of these tests. */
const GENERATED_MS = START + 7 * 1440 * MIN;

function reading(minute: number, air_temp_c: number, extra: Reading['fields'] = {}, compartment?: string): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 's', asset: 'room-1', device: 'ctl-1', ...(compartment ? { compartment } : {}) },
    fields: { air_temp_c, ...extra },
    integer_fields: new Set(),
    time_ms: START + minute * MIN,
    time_source: 'source',
  };
}

/** Builds a reading of `device` that carries only `fields`, `minute` min after the start. */
function deviceReading(device: string, minute: number, fields: Reading['fields']): Reading {
  return { ...reading(minute, 3, fields), tags: { site: 's', asset: 'room-1', device }, fields };
}

function report(readings: Reading[], to_minute: number) {
  const store = new LocalStore({ path: ':memory:', retention_days: 3650 });
  store.write(readings);
  const [profile] = resolveAssetProfiles(alarmConfigSchema.parse({ assets: [{ id: 'room-1', class: 'chilled' }] }));
  if (!profile) throw new Error('no profile');
  const data = buildReport({ readings: store }, profile, {
    from_ms: START,
    to_ms: START + to_minute * MIN,
    now_ms: GENERATED_MS,
  });
  store.close();
  return data;
}

describe('report data', () => {
  it('measures an excursion from first to last reading outside', () => {
    const values = [3, 3, 6, 7, 6.5, 4, 3];
    const data = report(
      values.map((value, minute) => reading(minute, value)),
      7,
    );
    expect(data.excursions).toEqual([
      { direction: 'high', start_ms: START + 2 * MIN, end_ms: START + 5 * MIN, duration_ms: 3 * MIN, peak_c: 7 },
    ]);
    expect(data.out_of_range_ms.range).toBe(3 * MIN);
  });

  it('counts time beyond each level', () => {
    // Chilled defaults: warning above 5 or below 0, alarm above 6 or below -1, critical above 8.
    const data = report([reading(0, 5.5), reading(1, 6.5), reading(2, 9), reading(3, -0.5)], 4);
    expect(data.out_of_range_ms.warning).toBe(4 * MIN);
    expect(data.out_of_range_ms.alarm).toBe(2 * MIN);
    expect(data.out_of_range_ms.critical).toBe(1 * MIN);
  });

  it('lists a data gap and marks MKT incomplete', () => {
    const readings = [0, 1, 2, 3, 20, 21, 22].map((minute) => reading(minute, 3));
    const data = report(readings, 23);
    expect(data.gaps).toEqual([{ start_ms: START + 4 * MIN, end_ms: START + 20 * MIN }]);
    expect(data.mkt_complete).toBe(false);
  });

  it('stops gaps at generation time', () => {
    const readings = [0, 1, 2, 3].map((minute) => reading(minute, 3, { door_open: minute === 3 }));
    const [profile] = resolveAssetProfiles(alarmConfigSchema.parse({ assets: [{ id: 'room-1', class: 'chilled' }] }));
    if (!profile) throw new Error('no profile');
    const store = new LocalStore({ path: ':memory:', retention_days: 3650 });
    store.write(readings);
    // The window runs to minute 60, but the report is generated at minute 4, one interval after the last reading.
    const data = buildReport({ readings: store }, profile, {
      from_ms: START,
      to_ms: START + 60 * MIN,
      now_ms: START + 4 * MIN,
    });
    store.close();
    expect(data.to_ms).toBe(START + 60 * MIN);
    expect(data.statistics_to_ms).toBe(START + 4 * MIN);
    expect(data.gaps).toEqual([]);
    expect(data.mkt_complete).toBe(true);
    expect(data.covered_ms).toBe(4 * MIN);
    expect(data.door_periods).toEqual([{ start_ms: START + 3 * MIN, end_ms: START + 4 * MIN }]);
  });

  it('covers a past window fully', () => {
    const data = report([reading(0, 3), reading(1, 3)], 2);
    expect(data.statistics_to_ms).toBe(START + 2 * MIN);
  });

  it('ends an excursion at a gap', () => {
    const readings = [0, 1, 2, 20, 21].map((minute) => reading(minute, 7));
    expect(report(readings, 22).excursions.length).toBe(2);
  });

  it('finds door and defrost periods', () => {
    const readings = [
      reading(0, 3, { door_open: false, defrost_on: false }),
      reading(1, 3, { door_open: true, defrost_on: false }),
      reading(2, 3, { door_open: false, defrost_on: true }),
      reading(3, 3, { door_open: false, defrost_on: true }),
    ];
    const data = report(readings, 4);
    expect(data.door_periods).toEqual([{ start_ms: START + MIN, end_ms: START + 2 * MIN }]);
    expect(data.defrost_periods).toEqual([{ start_ms: START + 2 * MIN, end_ms: START + 4 * MIN }]);
  });

  it('joins overlapping door periods of two devices', () => {
    // The node reports the door open from minute 1 to 4 and the controller from minute 2 to 6. The
    // node's shut report at minute 4 falls inside the controller's period, so the door is open 1 to 6.
    const readings = [
      deviceReading('node-1', 0, { door_open: false }),
      deviceReading('node-1', 1, { door_open: true }),
      deviceReading('ctl-1', 2, { door_open: true }),
      deviceReading('node-1', 4, { door_open: false }),
      deviceReading('ctl-1', 6, { door_open: false }),
    ];
    const data = report(readings, 8);
    expect(data.door_periods).toEqual([{ start_ms: START + MIN, end_ms: START + 6 * MIN }]);
  });

  it('keeps disjoint door periods of two devices', () => {
    const readings = [
      deviceReading('node-1', 1, { door_open: true }),
      deviceReading('node-1', 2, { door_open: false }),
      deviceReading('ctl-1', 4, { door_open: true }),
      deviceReading('ctl-1', 5, { door_open: false }),
    ];
    const data = report(readings, 8);
    expect(data.door_periods).toEqual([
      { start_ms: START + MIN, end_ms: START + 2 * MIN },
      { start_ms: START + 4 * MIN, end_ms: START + 5 * MIN },
    ]);
  });

  it('ignores a shut report of another device', () => {
    // The controller's door input is not wired and reads shut every minute, while the node reports the
    // door open from minute 1 until the end of the window.
    const readings = [0, 1, 2, 3, 4, 5].map((minute) => deviceReading('ctl-1', minute, { door_open: false }));
    readings.push(deviceReading('node-1', 1, { door_open: true }));
    const data = report(readings, 6);
    expect(data.door_periods).toEqual([{ start_ms: START + MIN, end_ms: START + 6 * MIN }]);
  });

  it('joins defrost periods of two devices', () => {
    const readings = [
      deviceReading('ctl-1', 0, { defrost_on: true }),
      deviceReading('ctl-2', 1, { defrost_on: true }),
      deviceReading('ctl-1', 2, { defrost_on: false }),
      deviceReading('ctl-2', 3, { defrost_on: false }),
    ];
    const data = report(readings, 5);
    expect(data.defrost_periods).toEqual([{ start_ms: START, end_ms: START + 3 * MIN }]);
  });

  it('hashes the readings it reports', () => {
    const data = report([reading(0, 3), reading(1, 4)], 2);
    expect(data.data_sha256).toBe(
      readingsSha256([
        { time_ms: START, value: 3 },
        { time_ms: START + MIN, value: 4 },
      ]),
    );
  });

  it('includes site power failures, not gateway series', () => {
    const store = new LocalStore({ path: ':memory:', retention_days: 3650 });
    const db = openRecordsDatabase(':memory:');
    const alarms = new AlarmStore(db);
    const rules = [{ direction: 'high', level: 'alarm', threshold_c: 5 }];
    const config = alarmConfigSchema.parse({ assets: [{ id: 'room-1', class: 'chilled', rules }] });
    const engine = new AlarmEngine({ config, store: alarms });
    // Alarm readings reach the local store through the bus, tagged with the asset like probe readings.
    engine.on('reading', (alarmReading) => store.write([alarmReading]));
    for (const probe of [reading(0, 3), reading(1, 6)]) {
      store.write([probe]);
      engine.handleReading(probe);
    }
    const cut = reading(2, 3, { mains_on: false });
    engine.handleReading(cut);
    store.write([cut]);
    const [profile] = engine.profiles;
    if (!profile) throw new Error('no profile');
    const data = buildReport({ readings: store, alarms }, profile, {
      from_ms: START,
      to_ms: START + 5 * MIN,
      now_ms: GENERATED_MS,
    });
    expect(data.alarms.map((alarm) => alarm.rule)).toEqual(['high_alarm', 'power_failure']);
    expect(data.devices).toEqual(['ctl-1']);
  });

  it('rejects a window that ends first', () => {
    const from = new Date(START).toISOString().replace('T', ' ').slice(0, 19);
    const to = new Date(START - 5 * MIN).toISOString().replace('T', ' ').slice(0, 19);
    expect(() => report([reading(0, 3)], -5)).toThrow(
      `report window ends before it starts: to_ms ${to} UTC is earlier than from_ms ${from} UTC; swap from_ms and to_ms`,
    );
  });

  it('rejects an empty window', () => {
    const start = new Date(START).toISOString().replace('T', ' ').slice(0, 19);
    expect(() => report([reading(0, 3)], 0)).toThrow(
      `report window is empty: from_ms ${start} UTC equals to_ms ${start} UTC; ` +
        'the end must be later than the start, so pass a to_ms later than from_ms',
    );
  });

  it('rejects a window over 400 days', () => {
    expect(() => report([reading(0, 3)], 400 * 1440 + 1)).toThrow(
      'spans 400.001 days (34560060000 ms), longer than the maximum of 400 days (34560000000 ms); ' +
        'split the report into windows of at most 400 days',
    );
  });
});

describe('period union', () => {
  it('merges touching periods', () => {
    const periods = [
      { start_ms: 2, end_ms: 3 },
      { start_ms: 1, end_ms: 2 },
    ];
    expect(unionOfPeriods(periods)).toEqual([{ start_ms: 1, end_ms: 3 }]);
  });

  it('keeps a period inside another once', () => {
    const periods = [
      { start_ms: 1, end_ms: 9 },
      { start_ms: 2, end_ms: 3 },
      { start_ms: 10, end_ms: 11 },
    ];
    expect(unionOfPeriods(periods)).toEqual([
      { start_ms: 1, end_ms: 9 },
      { start_ms: 10, end_ms: 11 },
    ]);
  });

  it('leaves its input unchanged', () => {
    const periods = [
      { start_ms: 1, end_ms: 5 },
      { start_ms: 2, end_ms: 8 },
    ];
    unionOfPeriods(periods);
    expect(periods).toEqual([
      { start_ms: 1, end_ms: 5 },
      { start_ms: 2, end_ms: 8 },
    ]);
  });
});

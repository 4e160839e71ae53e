import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlarmStore } from '../../../gateway/alarms/alarm-store.js';
import { newAssetRuntime } from '../../../gateway/alarms/asset-evaluator.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import type { Reading } from '../../../gateway/reading.js';
import { type EngineHarness, raisedRules, START_MS, startEngine } from './scenario-harness.js';

const CONFIG = {
  assets: [{ id: 'chill-1', class: 'chilled', rate: { enabled: false } }],
};

function doorReading(device: string, second: number, fields: Reading['fields']): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 'site-1', asset: 'chill-1', device },
    fields,
    integer_fields: new Set(),
    time_ms: START_MS + second * 1000,
    time_source: 'source',
  };
}

/**
 * Feeds, from `from_s` to `to_s`, a room node reading every minute (door as given, air at `air_c`) and
 * a controller reading every 2 s that reports its unwired door input shut.
 */
function feed(harness: EngineHarness, from_s: number, to_s: number, node_open: boolean, air_c: number) {
  for (let second = from_s; second < to_s; second += 2) {
    if (second % 60 === 0) {
      harness.engine.handleReading(doorReading('room-1', second, { door_open: node_open, air_temp_c: air_c }));
    }
    harness.engine.handleReading(doorReading('ctrl-1', second + 1, { door_open: false }));
  }
}

function transitionsOf(harness: EngineHarness, rule: string): string[] {
  return harness.transitions
    .filter((transition) => transition.alarm.rule === rule)
    .map((transition) => `${transition.transition}@${(transition.time_ms - START_MS) / 1000}`);
}

describe('door shared by two devices', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'coldpool-door-'));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('raises the door alarm from one device', () => {
    const harness = startEngine(CONFIG);
    feed(harness, 0, 360, true, 3);
    harness.engine.handleReading(doorReading('room-1', 360, { door_open: false, air_temp_c: 3 }));
    expect(transitionsOf(harness, 'door_open')).toEqual(['raised@300', 'cleared@360']);
  });

  it('raises temperature alarms behind a shut controller', () => {
    const harness = startEngine(CONFIG);
    // Door open from the start: suppression ends after suppress_max_s (15 min), so the critical rule
    // above 8 °C counts its 10 min on-delay from the room node's reading at 16 min.
    feed(harness, 0, 40 * 60, true, 9);
    expect(raisedRules(harness)).toEqual(['door_open@5', 'high_critical@26', 'high_warning@31']);
  });

  it('carries a saved open door over', () => {
    const path = join(directory, 'records.sqlite');
    const db = openRecordsDatabase(path);
    // Door state as versions before per-device switches saved it: open since the start.
    const runtime = newAssetRuntime('site-1');
    const legacy = { open_since_ms: START_MS, closed_ms: null, grace_after_close: false, alarm_active: false };
    new AlarmStore(db).saveState('asset:chill-1', { ...runtime, door: legacy });
    db.close();

    const harness = startEngine(CONFIG, path);
    feed(harness, 240, 360, true, 3);
    expect(transitionsOf(harness, 'door_open')).toEqual(['raised@300']);
    harness.db.close();
  });
});

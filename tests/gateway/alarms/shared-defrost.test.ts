import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlarmStore } from '../../../gateway/alarms/alarm-store.js';
import { newAssetRuntime } from '../../../gateway/alarms/asset-evaluator.js';
import { newDefrostState } from '../../../gateway/alarms/defrost-tracker.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import type { Reading } from '../../../gateway/reading.js';
import { type EngineHarness, raisedRules, START_MS, startEngine } from './scenario-harness.js';

const MIN = 60_000;
const CONFIG = {
  assets: [
    {
      id: 'chill-1',
      class: 'chilled',
      rules: [{ direction: 'high', level: 'critical', threshold_c: 8, on_delay_s: 600 }],
      rate: { enabled: false },
    },
  ],
};

function controllerReading(device: string, time_ms: number, defrost_on: boolean): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 'site-1', asset: 'chill-1', device },
    fields: { air_temp_c: 9, defrost_on },
    integer_fields: new Set(),
    time_ms,
    time_source: 'source',
  };
}

/** Two controllers of one room, each reporting every minute: ctrl-a with its defrost signal stuck on, ctrl-b cooling. */
function feed(harness: EngineHarness, from_min: number, to_min: number) {
  for (let minute = from_min; minute < to_min; minute++) {
    harness.engine.handleReading(controllerReading('ctrl-a', START_MS + minute * MIN, true));
    harness.engine.handleReading(controllerReading('ctrl-b', START_MS + minute * MIN + 30_000, false));
  }
}

describe('defrost of two controllers on one asset', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'coldpool-defrost-'));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('bounds a stuck defrost signal', () => {
    const harness = startEngine(CONFIG);
    feed(harness, 0, 70);
    // ctrl-a's defrost suppresses for max_s (45 min); the 10 min on-delay then counts from 46 min.
    expect(raisedRules(harness)).toEqual(['high_critical@56']);
  });

  it('loads a defrost state saved for the whole asset', () => {
    const path = join(directory, 'records.sqlite');
    const db = openRecordsDatabase(path);
    // Runtime state as versions before per-device defrost saved it: a controller defrost started at 0.
    const { defrosts: _, ...runtime } = newAssetRuntime('site-1');
    const defrost = { ...newDefrostState(), active: true, source: 'controller', start_ms: START_MS };
    new AlarmStore(db).saveState('asset:chill-1', { ...runtime, defrost });
    db.close();

    const harness = startEngine(CONFIG, path);
    for (let minute = 10; minute < 70; minute++) {
      harness.engine.handleReading(controllerReading('ctrl-b', START_MS + minute * MIN + 30_000, false));
    }
    // ctrl-b's own defrost signal does not end the saved defrost, which suppresses until max_s (45 min).
    expect(raisedRules(harness)).toEqual(['high_critical@56']);
    harness.db.close();
  });
});

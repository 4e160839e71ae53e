/**
 * Alarms of devices taken out of the configuration: a first start raises offline alarms, and a second
 * start over the same records store lists fewer devices.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alarmReading } from '../../../gateway/alarms/alarm-reading.js';
import { AlarmStore } from '../../../gateway/alarms/alarm-store.js';
import type { ConfiguredDevice } from '../../../gateway/alarms/offline-watch.js';
import { listIds, REMOVED_DEVICE_REASON } from '../../../gateway/alarms/removed-devices.js';
import { toApiAlarm } from '../../../gateway/api/alarm-engine-service.js';
import { type EngineHarness, START_MS, startEngine, temperatureReading } from './scenario-harness.js';

const MIN = 60_000;
const SITE = 'north-hub';
const CONFIG = {
  assets: [
    { id: 'room-a', class: 'chilled', rate: { enabled: false } },
    { id: 'room-b', class: 'chilled', rate: { enabled: false } },
  ],
  no_data: { timeout_s: 600 },
};
const DEVICES: ConfiguredDevice[] = [
  { id: 'room-a', site: SITE, asset: 'room-a' },
  { id: 'room-b', site: SITE, asset: 'room-b' },
];

let directory: string;
let path: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-removed-'));
  path = join(directory, 'records.sqlite');
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/**
 * Runs a first start with both configured devices and a device `wild-1` seen only through its readings,
 * until each of the three has an active offline alarm, and closes the store.
 */
function raiseOfflineAlarms(): void {
  const first = startEngine(CONFIG, path, { ms: START_MS }, DEVICES);
  first.engine.handleReading(temperatureReading(START_MS, 3, { site: SITE, device: 'wild-1', asset: 'wild-1' }));
  first.now.ms = START_MS + 11 * MIN;
  first.engine.tick();
  const offline = first.engine.openAlarms().map((alarm) => `${alarm.device}/${alarm.rule}/${alarm.active}`);
  expect(offline.sort()).toEqual(['room-a/no_data/true', 'room-b/no_data/true', 'wild-1/no_data/true']);
  first.db.close();
}

/** Starts again over the same store, 30 minutes later, with only `devices` configured. */
function restart(devices: ConfiguredDevice[]): EngineHarness {
  return startEngine(CONFIG, path, { ms: START_MS + 30 * MIN }, devices);
}

function alarmOf(harness: EngineHarness, device: string) {
  return new AlarmStore(harness.db).alarms().find((alarm) => alarm.device === device);
}

describe('alarms of removed devices', () => {
  it('clears the removed device with the reason', () => {
    raiseOfflineAlarms();
    const second = restart(DEVICES.filter((device) => device.id !== 'room-b'));
    const cleared = second.engine.clearRemovedDevices();
    expect(cleared.map((alarm) => alarm.device)).toEqual(['room-b']);
    const stored = alarmOf(second, 'room-b');
    expect(stored?.active).toBe(false);
    expect(stored?.cleared_ms).toBe(START_MS + 30 * MIN);
    expect(stored?.clear_reason).toBe(REMOVED_DEVICE_REASON);
    expect(second.transitions.map((t) => `${t.transition}:${t.alarm.device}`)).toEqual(['cleared:room-b']);
  });

  it('sends the cleared notice of an announced alarm', () => {
    raiseOfflineAlarms();
    const second = restart(DEVICES.filter((device) => device.id !== 'room-b'));
    second.engine.clearRemovedDevices();
    expect(second.notifications.map((n) => `${n.reason}:${n.alarm.device}`)).toEqual(['cleared:room-b']);
    expect(second.notifications[0]?.alarm.clear_reason).toBe(REMOVED_DEVICE_REASON);
  });

  it('keeps the alarm of a discovered device', () => {
    raiseOfflineAlarms();
    const second = restart(DEVICES.filter((device) => device.id !== 'room-b'));
    second.engine.clearRemovedDevices();
    const wild = alarmOf(second, 'wild-1');
    expect(wild?.active).toBe(true);
    expect(wild?.clear_reason).toBeUndefined();
  });

  it('keeps the alarm of a device still configured', () => {
    raiseOfflineAlarms();
    const second = restart(DEVICES.filter((device) => device.id !== 'room-b'));
    second.engine.clearRemovedDevices();
    const configured = alarmOf(second, 'room-a');
    expect(configured?.active).toBe(true);
    expect(configured?.clear_reason).toBeUndefined();
  });

  it('clears nothing when every device is still configured', () => {
    raiseOfflineAlarms();
    const second = restart(DEVICES);
    expect(second.engine.clearRemovedDevices()).toEqual([]);
    expect(second.transitions).toEqual([]);
  });

  it('clears nothing without a device list', () => {
    raiseOfflineAlarms();
    const second = startEngine(CONFIG, path, { ms: START_MS + 30 * MIN });
    expect(second.engine.clearRemovedDevices()).toEqual([]);
    expect(alarmOf(second, 'room-b')?.active).toBe(true);
  });

  it('clears only on the first call', () => {
    raiseOfflineAlarms();
    const second = restart([]);
    expect(second.engine.clearRemovedDevices().map((alarm) => alarm.device)).toEqual(['room-a', 'room-b']);
    expect(second.engine.clearRemovedDevices()).toEqual([]);
  });

  it('clears when the engine starts', () => {
    raiseOfflineAlarms();
    const second = restart([]);
    second.engine.start();
    second.engine.stop();
    expect(alarmOf(second, 'room-a')?.active).toBe(false);
    expect(alarmOf(second, 'room-b')?.active).toBe(false);
    expect(alarmOf(second, 'wild-1')?.active).toBe(true);
  });

  it('keeps the removed device cleared after another restart', () => {
    raiseOfflineAlarms();
    const second = restart([]);
    second.engine.clearRemovedDevices();
    second.engine.stop();
    second.db.close();
    const third = restart([]);
    third.now.ms = START_MS + 60 * MIN;
    third.engine.tick();
    expect(third.engine.clearRemovedDevices()).toEqual([]);
    const raised = third.transitions.filter((t) => t.transition === 'raised').map((t) => t.alarm.device);
    expect(raised).toEqual([]);
    expect(alarmOf(third, 'room-b')?.active).toBe(false);
  });
});

describe('removed device clear records', () => {
  it('shows the reason in the API history', () => {
    raiseOfflineAlarms();
    const second = restart([]);
    const [alarm] = second.engine.clearRemovedDevices();
    if (alarm === undefined) throw new Error('expected a cleared alarm');
    const api = toApiAlarm(alarm);
    expect(api.condition_active).toBe(false);
    expect(api.history.at(-1)).toEqual({
      time_ms: START_MS + 30 * MIN,
      action: 'cleared',
      comment: REMOVED_DEVICE_REASON,
    });
  });

  it('puts the reason in the alarm reading', () => {
    raiseOfflineAlarms();
    const second = restart([]);
    const [alarm] = second.engine.clearRemovedDevices();
    if (alarm === undefined) throw new Error('expected a cleared alarm');
    const reading = alarmReading(alarm, START_MS + 30 * MIN);
    expect(reading.fields.status).toBe('cleared');
    expect(reading.fields.clear_reason).toBe(REMOVED_DEVICE_REASON);
  });

  it('leaves the reason out of an ordinary clear', () => {
    const harness = startEngine(CONFIG, ':memory:', { ms: START_MS }, DEVICES);
    harness.now.ms = START_MS + 11 * MIN;
    harness.engine.tick();
    const reading = temperatureReading(harness.now.ms, 3, { site: SITE, device: 'room-a', asset: 'room-a' });
    harness.engine.handleReading(reading);
    const cleared = harness.transitions.find((t) => t.transition === 'cleared');
    if (cleared === undefined) throw new Error('expected a cleared transition');
    expect(cleared.alarm.device).toBe('room-a');
    expect(cleared.alarm.clear_reason).toBeUndefined();
    expect(toApiAlarm(cleared.alarm).history.at(-1)).toEqual({ time_ms: START_MS + 11 * MIN, action: 'cleared' });
  });
});

describe('listIds', () => {
  it('joins a short list', () => {
    expect(listIds(['a', 'b'])).toBe('a, b');
  });

  it('counts the ids past the maximum', () => {
    const ids = Array.from({ length: 23 }, (_, index) => `d${index}`);
    const text = listIds(ids);
    expect(text.startsWith('d0, d1, ')).toBe(true);
    expect(text).toContain('d19 and 3 more');
    expect(text).not.toContain('d20');
  });

  it('names exactly the maximum without a count', () => {
    expect(listIds(['a', 'b', 'c'], 3)).toBe('a, b, c');
  });
});

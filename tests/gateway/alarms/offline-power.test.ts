import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newWatchState, noteReading, registerDevices } from '../../../gateway/alarms/offline-watch.js';
import { START_MS, startEngine, temperatureReading } from './scenario-harness.js';

const MIN = 60_000;
const DEVICES = [
  { device: 'ctl-1', asset: 'room-1' },
  { device: 'ctl-2', asset: 'room-2' },
  { device: 'node-3', asset: 'room-2' },
];

function siteConfig() {
  return {
    assets: [
      { id: 'room-1', class: 'chilled', rate: { enabled: false } },
      { id: 'room-2', class: 'chilled', rate: { enabled: false } },
    ],
    no_data: { timeout_s: 600 },
    notify: { renotify_s: 300 },
  };
}

/** Sends one reading per minute from each device that `silent` does not name, ticking every 10 s. */
function drive(
  harness: ReturnType<typeof startEngine>,
  from_min: number,
  to_min: number,
  silent: (id: string) => boolean,
) {
  for (let ms = from_min * MIN; ms < to_min * MIN; ms += 10_000) {
    harness.now.ms = START_MS + ms;
    if (ms % MIN === 0) {
      for (const { device, asset } of DEVICES) {
        if (!silent(device)) harness.engine.handleReading(temperatureReading(harness.now.ms, 2.5, { device, asset }));
      }
    }
    harness.engine.tick(harness.now.ms);
  }
}

function raised(harness: ReturnType<typeof startEngine>): string[] {
  return harness.transitions.filter((t) => t.transition === 'raised').map((t) => t.alarm.rule);
}

/** Returns the power-failure transitions, as `<transition>@<seconds after the start>s`. */
function powerTransitions(harness: ReturnType<typeof startEngine>): string[] {
  return harness.transitions
    .filter((t) => t.alarm.rule === 'power_failure')
    .map((t) => `${t.transition}@${(t.time_ms - START_MS) / 1000}s`);
}

/** Sends a reading of `device` with the mains field set to `mains_on`, `second` s after the start. */
function sendMains(harness: ReturnType<typeof startEngine>, device: string, second: number, mains_on: boolean) {
  const entry = DEVICES.find((candidate) => candidate.device === device);
  const reading = temperatureReading(START_MS + second * 1000, 2.5, { device, asset: entry?.asset ?? '' });
  reading.fields.mains_on = mains_on;
  harness.engine.handleReading(reading);
}

describe('offline and power rules', () => {
  it('power cut raises one site alarm', () => {
    const harness = startEngine(siteConfig());
    drive(harness, 0, 30, () => false);
    drive(harness, 30, 90, () => true);
    expect(raised(harness)).toEqual(['power_failure']);
  });

  it('site alarm has the site asset', () => {
    const harness = startEngine(siteConfig());
    drive(harness, 0, 30, () => false);
    drive(harness, 30, 90, () => true);
    const alarm = harness.transitions.find((t) => t.transition === 'raised')?.alarm;
    expect(alarm?.asset).toBe('_site');
    expect(alarm?.id.startsWith(`${alarm?.site}:power_failure:`)).toBe(true);
  });

  it('mains alarm has the site asset', () => {
    const harness = startEngine(siteConfig());
    const reading = temperatureReading(START_MS, 2.5);
    reading.fields.mains_on = false;
    harness.engine.handleReading(reading);
    expect(harness.transitions[0]?.alarm.asset).toBe('_site');
  });

  it('power restore clears without offline flood', () => {
    const harness = startEngine(siteConfig());
    drive(harness, 0, 30, () => false);
    drive(harness, 30, 90, () => true);
    drive(harness, 90, 95, (id) => id !== 'ctl-1');
    drive(harness, 95, 120, () => false);
    const cleared = harness.transitions.filter((t) => t.transition === 'cleared').map((t) => t.alarm.rule);
    expect(cleared).toEqual(['power_failure']);
    expect(raised(harness)).toEqual(['power_failure']);
  });

  it('mains field raises the power alarm at once', () => {
    const harness = startEngine(siteConfig());
    const reading = temperatureReading(START_MS, 2.5);
    reading.fields.mains_on = false;
    harness.engine.handleReading(reading);
    expect(raised(harness)).toEqual(['power_failure']);
  });

  it('mains on elsewhere keeps failure', () => {
    const harness = startEngine(siteConfig());
    // The controller of room 1 is on the failed supply, and the node of room 2 is on a UPS.
    sendMains(harness, 'ctl-1', 0, false);
    sendMains(harness, 'node-3', 30, true);
    sendMains(harness, 'node-3', 90, true);
    expect(powerTransitions(harness)).toEqual(['raised@0s']);
    sendMains(harness, 'ctl-1', 120, true);
    expect(powerTransitions(harness)).toEqual(['raised@0s', 'cleared@120s']);
  });

  it('restore waits for every device', () => {
    const harness = startEngine(siteConfig());
    sendMains(harness, 'ctl-1', 0, false);
    sendMains(harness, 'ctl-2', 10, false);
    sendMains(harness, 'ctl-1', 60, true);
    expect(powerTransitions(harness)).toEqual(['raised@0s']);
    sendMains(harness, 'ctl-2', 70, true);
    expect(powerTransitions(harness)).toEqual(['raised@0s', 'cleared@70s']);
  });

  it('mains off keeps an inferred failure', () => {
    const harness = startEngine(siteConfig());
    drive(harness, 0, 30, () => false);
    drive(harness, 30, 90, () => true);
    expect(powerTransitions(harness)).toEqual([`raised@${(39 * MIN + 10_000) / 1000}s`]);
    // The controller comes back on battery and reports mains off. A reading without the mains field
    // from the node then no longer ends the failure, and the controller's mains on does.
    sendMains(harness, 'ctl-1', 90 * 60, false);
    harness.engine.handleReading(temperatureReading(START_MS + 91 * MIN, 2.5, { device: 'node-3', asset: 'room-2' }));
    expect(powerTransitions(harness)).toHaveLength(1);
    sendMains(harness, 'ctl-1', 92 * 60, true);
    expect(powerTransitions(harness).at(-1)).toBe(`cleared@${92 * 60}s`);
  });

  it('inferred failure ends on any reading', () => {
    const harness = startEngine(siteConfig());
    drive(harness, 0, 30, () => false);
    drive(harness, 30, 90, () => true);
    harness.engine.handleReading(temperatureReading(START_MS + 90 * MIN, 2.5, { device: 'node-3', asset: 'room-2' }));
    expect(powerTransitions(harness).at(-1)).toBe(`cleared@${90 * 60}s`);
  });

  it('removed device leaves the mains off list', () => {
    const detection = { field: 'mains_on', min_devices: 2, window_ms: 300_000, timeout_ms: 600_000 };
    const state = newWatchState();
    registerDevices(
      state,
      [
        { id: 'ctl-1', site: 'site-1', asset: 'room-1' },
        { id: 'ctl-2', site: 'site-1', asset: 'room-2' },
      ],
      START_MS,
    );
    const mainsOff = temperatureReading(START_MS, 2.5, { device: 'ctl-1', asset: 'room-1' });
    mainsOff.fields.mains_on = false;
    expect(noteReading(state, mainsOff, detection).power).toBe('fail');
    expect(state.sites['site-1']?.mains_off).toEqual(['ctl-1']);
    registerDevices(state, [{ id: 'ctl-2', site: 'site-1', asset: 'room-2' }], START_MS + MIN);
    expect(state.sites['site-1']?.mains_off).toEqual([]);
    const mainsOn = temperatureReading(START_MS + 2 * MIN, 2.5, { device: 'ctl-2', asset: 'room-2' });
    mainsOn.fields.mains_on = true;
    expect(noteReading(state, mainsOn, detection).power).toBe('restore');
  });

  it('offline probe alarms after the timeout', () => {
    const harness = startEngine(siteConfig());
    drive(harness, 0, 30, () => false);
    drive(harness, 30, 60, (id) => id === 'node-3');
    const alarm = harness.transitions.find((t) => t.transition === 'raised');
    expect(alarm?.alarm.rule).toBe('no_data');
    expect(alarm?.alarm.device).toBe('node-3');
    // Last reading at minute 29, timeout 10 min: offline once silent longer than 600 s.
    expect(alarm?.time_ms).toBe(START_MS + 39 * MIN + 10_000);
  });

  it('offline alarm repeats until data returns', () => {
    const harness = startEngine(siteConfig());
    drive(harness, 0, 30, () => false);
    drive(harness, 30, 60, (id) => id === 'node-3');
    const before = harness.notifications.filter((n) => n.alarm.rule === 'no_data').length;
    const id = harness.transitions.find((t) => t.transition === 'raised')?.alarm.id ?? '';
    harness.engine.acknowledge(id, 'ops', 'probe battery low, sending a technician');
    drive(harness, 60, 80, (device) => device === 'node-3');
    const repeats = harness.notifications.filter((n) => n.alarm.rule === 'no_data' && n.reason === 'renotify');
    expect(before).toBeGreaterThanOrEqual(4);
    expect(repeats.length).toBeGreaterThanOrEqual(7);
    expect(repeats.every((n, index) => index === 0 || n.time_ms - (repeats[index - 1]?.time_ms ?? 0) === 300_000)).toBe(
      true,
    );
  });

  it('offline alarm clears on first fresh reading', () => {
    const harness = startEngine(siteConfig());
    drive(harness, 0, 30, () => false);
    drive(harness, 30, 60, (id) => id === 'node-3');
    drive(harness, 60, 61, () => false);
    const cleared = harness.transitions.find((t) => t.transition === 'cleared');
    expect(cleared?.alarm.rule).toBe('no_data');
    expect(cleared?.time_ms).toBe(START_MS + 60 * MIN);
    drive(harness, 61, 70, () => false);
    const after = harness.notifications.filter((n) => n.alarm.rule === 'no_data' && n.time_ms >= START_MS + 60 * MIN);
    expect(after.map((n) => n.reason)).toEqual(['cleared']);
  });

  it('late reading leaves offline alarm', () => {
    const harness = startEngine(siteConfig());
    drive(harness, 0, 30, () => false);
    drive(harness, 30, 60, (id) => id === 'node-3');
    // A buffered reading stamped before node-3's last one arrives; the device is still silent.
    const late = temperatureReading(START_MS + 28 * MIN, 2.5, { device: 'node-3', asset: 'room-2' });
    harness.engine.handleReading(late);
    expect(harness.transitions.filter((t) => t.transition === 'cleared')).toEqual([]);
    drive(harness, 60, 61, () => false);
    const cleared = harness.transitions.find((t) => t.transition === 'cleared');
    expect(cleared?.time_ms).toBe(START_MS + 60 * MIN);
  });

  it('device reported down alarms after others report', () => {
    const harness = startEngine(siteConfig());
    drive(harness, 0, 5, () => false);
    harness.engine.handleDeviceState({ device_id: 'ctl-2', up: false, consecutive_failures: 3 });
    // Until the other devices report again, the down report may be the start of a site power cut.
    harness.engine.tick(harness.now.ms);
    expect(raised(harness)).toEqual([]);
    drive(harness, 5, 6, (id) => id === 'ctl-2');
    expect(raised(harness)).toEqual(['no_data']);
    const alarm = harness.transitions.find((t) => t.transition === 'raised');
    expect(alarm?.time_ms).toBe(START_MS + 5 * MIN);
    expect(alarm?.alarm.device).toBe('ctl-2');
  });

  it('announced offline alarm clears under power alarm', () => {
    const harness = startEngine(siteConfig());
    drive(harness, 0, 5, () => false);
    harness.engine.handleDeviceState({ device_id: 'ctl-2', up: false, consecutive_failures: 3 });
    drive(harness, 5, 7, (id) => id === 'ctl-2');
    const offline = harness.transitions.find((t) => t.transition === 'raised')?.alarm;
    expect(offline?.rule).toBe('no_data');
    // Mains reported off links the announced offline alarm to the site alarm, which stays active.
    const mainsOff = temperatureReading(harness.now.ms, 2.5, { device: 'ctl-1', asset: 'room-1' });
    mainsOff.fields.mains_on = false;
    harness.engine.handleReading(mainsOff);
    harness.engine.handleReading(temperatureReading(harness.now.ms + 1000, 2.5, { device: 'ctl-2', asset: 'room-2' }));
    const reasons = harness.notifications.filter((n) => n.alarm.id === offline?.id).map((n) => n.reason);
    expect(reasons).toEqual(['raised', 'cleared']);
    expect(harness.engine.openAlarms().find((a) => a.rule === 'power_failure')?.active).toBe(true);
  });

  it('maintenance state blocks offline alarms', () => {
    const harness = startEngine(siteConfig());
    drive(harness, 0, 30, () => false);
    harness.engine.setAssetState('room-1', 'maintenance', 'ops');
    drive(harness, 30, 60, (id) => id === 'ctl-1');
    expect(raised(harness)).toEqual([]);
  });

  it('gateway restart raises nothing', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'coldpool-restart-')), 'records.db');
    const before = startEngine(siteConfig(), path);
    drive(before, 0, 30, () => false);
    before.db.close();
    // The gateway was stopped for 90 minutes; it ticks once before the first readings arrive.
    const after = startEngine(siteConfig(), path, { ms: START_MS + 120 * MIN + 5000 });
    after.engine.tick(after.now.ms);
    drive(after, 121, 140, () => false);
    expect(raised(after)).toEqual([]);
  });

  it('device dead across restart alarms', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'coldpool-restart-')), 'records.db');
    const before = startEngine(siteConfig(), path);
    drive(before, 0, 30, () => false);
    before.db.close();
    const after = startEngine(siteConfig(), path, { ms: START_MS + 120 * MIN });
    drive(after, 120, 126, (id) => id === 'ctl-1');
    expect(raised(after)).toEqual([]);
    drive(after, 126, 150, (id) => id === 'ctl-1');
    expect(raised(after)).toEqual(['no_data']);
  });
});

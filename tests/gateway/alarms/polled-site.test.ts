/**
 * Offline and power-failure alarms for a site of Modbus units polled every 10 s, as the poller reports
 * them: a reading per successful poll, and one `device_state` down event at the first failed poll.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlarmEngine } from '../../../gateway/alarms/alarm-engine.js';
import type { AlarmNotification } from '../../../gateway/alarms/alarm-registry.js';
import { AlarmStore } from '../../../gateway/alarms/alarm-store.js';
import { type EngineHarness, START_MS, startEngine, temperatureReading } from './scenario-harness.js';

const SECOND = 1000;
const MIN = 60 * SECOND;
const SITE = 'trial-rtu';

interface Unit {
  device: string;
  /** Poll slot within each 10 s interval, ms. */
  offset_ms: number;
  /** Time the unit takes to respond again after power returns, ms. */
  boot_ms: number;
}

const UNITS: Unit[] = [
  { device: 'room-a', offset_ms: 7 * SECOND, boot_ms: 12 * SECOND },
  { device: 'room-b', offset_ms: 1 * SECOND, boot_ms: 2 * SECOND },
  { device: 'room-c', offset_ms: 4 * SECOND, boot_ms: 5 * SECOND },
];

function siteConfig(no_data: object = {}) {
  return {
    assets: UNITS.map((unit) => ({ id: unit.device, class: 'chilled', rate: { enabled: false } })),
    no_data,
    notify: { renotify_s: 300 },
  };
}

/** Returns true when a unit responds to a poll at `time_ms` (after `START_MS`). */
type Responds = (unit: Unit, time_ms: number) => boolean;

/**
 * Polls every unit each 10 s at its slot from `from_ms` to `to_ms` (relative to `START_MS`) and ticks
 * the engine at second 5 of every 10 s, as the gateway does. Units that `sendsDown` rejects fall silent
 * without a down event.
 */
function poll(
  harness: EngineHarness,
  from_ms: number,
  to_ms: number,
  responds: Responds,
  sendsDown: (unit: Unit) => boolean = () => true,
) {
  const down = new Set<string>();
  for (let ms = from_ms; ms < to_ms; ms += SECOND) {
    harness.now.ms = START_MS + ms;
    for (const unit of UNITS) {
      if ((ms - unit.offset_ms) % (10 * SECOND) !== 0) continue;
      if (responds(unit, ms)) {
        down.delete(unit.device);
        const reading = temperatureReading(harness.now.ms, 2.5, {
          site: SITE,
          device: unit.device,
          asset: unit.device,
        });
        harness.engine.handleReading(reading);
      } else if (!down.has(unit.device)) {
        down.add(unit.device);
        if (sendsDown(unit))
          harness.engine.handleDeviceState({ device_id: unit.device, up: false, consecutive_failures: 1 });
      }
    }
    if (ms % (10 * SECOND) === 5 * SECOND) harness.engine.tick(harness.now.ms);
  }
}

/** Returns `rule` or `device/rule` for each raised transition. */
function raised(harness: EngineHarness): string[] {
  return harness.transitions
    .filter((transition) => transition.transition === 'raised')
    .map((transition) => [transition.alarm.device, transition.alarm.rule].filter(Boolean).join('/'));
}

/** Returns the ids of alarms that had a raised, renotify or escalated notice but no cleared notice after it. */
function announcedNeverCleared(notifications: AlarmNotification[]): string[] {
  const open = new Set<string>();
  for (const notification of notifications) {
    if (notification.reason === 'cleared') open.delete(notification.alarm.id);
    else if (notification.reason !== 'acknowledged' && notification.reason !== 'closed') {
      open.add(notification.alarm.id);
    }
  }
  return [...open];
}

describe('polled site power cut', () => {
  const CUT_MS = 10 * MIN;
  const RESTORE_MS = CUT_MS + 45 * SECOND;
  const responds: Responds = (unit, time_ms) => time_ms < CUT_MS || time_ms >= RESTORE_MS + unit.boot_ms;

  it('raises only the site alarm', () => {
    const harness = startEngine(siteConfig());
    poll(harness, 0, 40 * MIN, responds);
    expect(raised(harness)).toEqual(['power_failure']);
  });

  it('raises the site alarm after every unit is down', () => {
    const harness = startEngine(siteConfig());
    poll(harness, 0, 40 * MIN, responds);
    const power = harness.transitions.find((t) => t.alarm.rule === 'power_failure' && t.transition === 'raised');
    // room-b and room-c fail at 10:01 and 10:04, before the tick at 10:05. room-a, polled at second 7,
    // fails at 10:07, and the tick at 10:15 finds every unit down.
    expect(power?.time_ms).toBe(START_MS + CUT_MS + 15 * SECOND);
    expect(power?.alarm.message).toBe(`site ${SITE} power failure: all 3 devices silent`);
  });

  it('clears the site alarm on restore', () => {
    const harness = startEngine(siteConfig());
    poll(harness, 0, 40 * MIN, responds);
    const cleared = harness.transitions.filter((t) => t.transition === 'cleared');
    expect(cleared.map((t) => t.alarm.rule)).toEqual(['power_failure']);
    // room-b responds first, 2 s after power returns, at its poll slot 10:51.
    expect(cleared[0]?.time_ms).toBe(START_MS + RESTORE_MS + 6 * SECOND);
  });

  it('announced alarms all get cleared notices', () => {
    const harness = startEngine(siteConfig());
    poll(harness, 0, 40 * MIN, responds);
    expect(harness.notifications.length).toBeGreaterThan(0);
    expect(announcedNeverCleared(harness.notifications)).toEqual([]);
  });

  it('gives each unit one timeout after restore', () => {
    const harness = startEngine(siteConfig());
    // room-c does not come back, and the poller sends no second down event for it.
    const roomCDead: Responds = (unit, time_ms) =>
      responds(unit, time_ms) && (unit.device !== 'room-c' || time_ms < CUT_MS);
    poll(harness, 0, 40 * MIN, roomCDead);
    expect(raised(harness)).toEqual(['power_failure', 'room-c/no_data']);
    const offline = harness.transitions.find((t) => t.alarm.rule === 'no_data');
    // The first reading after the restore (room-b at 10:51) restarts every unit's 900 s timeout.
    const restore_reading_ms = START_MS + RESTORE_MS + 6 * SECOND;
    expect(offline?.time_ms).toBeGreaterThan(restore_reading_ms + 900 * SECOND);
    expect(offline?.time_ms).toBeLessThanOrEqual(restore_reading_ms + 910 * SECOND);
  });
});

describe('polled site with short no-data timeout', () => {
  const FAIL_MS = 10 * MIN;

  it('one silent unit raises only its offline alarm', () => {
    const harness = startEngine(siteConfig({ timeout_s: 30 }));
    // room-c stops responding, and its input sends no down event, as with a device that pushes its data.
    const responds: Responds = (unit, time_ms) => unit.device !== 'room-c' || time_ms < FAIL_MS;
    poll(harness, 0, 30 * MIN, responds, (unit) => unit.device !== 'room-c');
    expect(raised(harness)).toEqual(['room-c/no_data']);
    const offline = harness.transitions.find((t) => t.transition === 'raised');
    // The last reading of room-c is at 9:54. Both other units must report after 9:54 + window_s (300 s)
    // before the engine rules out a power cut: room-a at 14:57, room-b at 15:01, so the tick at 15:05 raises.
    expect(offline?.time_ms).toBe(START_MS + 15 * MIN + 5 * SECOND);
  });

  it('one down unit raises its alarm on the next reports', () => {
    const harness = startEngine(siteConfig({ timeout_s: 30 }));
    poll(harness, 0, 30 * MIN, (unit, time_ms) => unit.device !== 'room-c' || time_ms < FAIL_MS);
    expect(raised(harness)).toEqual(['room-c/no_data']);
    const offline = harness.transitions.find((t) => t.transition === 'raised');
    // room-c is reported down at 10:04, room-a and room-b report at 10:07 and 10:11, so the tick at 10:15 raises.
    expect(offline?.time_ms).toBe(START_MS + FAIL_MS + 15 * SECOND);
    expect(offline?.alarm.message).toContain('room-c');
  });

  it('power cut raises one site alarm', () => {
    const harness = startEngine(siteConfig({ timeout_s: 30 }));
    poll(harness, 0, 30 * MIN, (_unit, time_ms) => time_ms < FAIL_MS);
    expect(raised(harness)).toEqual(['power_failure']);
    const power = harness.transitions.find((t) => t.transition === 'raised');
    expect(power?.alarm.message).toBe(`site ${SITE} power failure: all 3 devices silent`);
  });
});

describe('configured unit that never reports', () => {
  const configured = UNITS.map((unit) => ({ id: unit.device, site: SITE, asset: unit.device }));

  /** Builds the engine of `startEngine` again, watching the configured units from `START_MS`. */
  function startWatching(no_data: object = {}): EngineHarness {
    const harness = startEngine(siteConfig(no_data));
    const engine = new AlarmEngine({
      config: harness.config,
      store: new AlarmStore(harness.db),
      clock: () => harness.now.ms,
      devices: configured,
    });
    engine.on('transition', (transition) => harness.transitions.push(structuredClone(transition)));
    engine.on('notification', (notification) => harness.notifications.push(structuredClone(notification)));
    return { ...harness, engine };
  }

  it('raises its offline alarm after the timeout', () => {
    const harness = startWatching();
    // room-c is down from the first poll, as with a missing serial port or a unit id not on the bus.
    poll(harness, 0, 30 * MIN, (unit) => unit.device !== 'room-c');
    expect(raised(harness)).toEqual(['room-c/no_data']);
    const offline = harness.transitions.find((t) => t.transition === 'raised');
    // The timeout (900 s) counts from the engine's start, and the first tick after 15:00 is at 15:05.
    expect(offline?.time_ms).toBe(START_MS + 15 * MIN + 5 * SECOND);
    expect(offline?.alarm.message).toBe('device room-c of room-c has sent no data since the gateway started');
  });

  it('clears when the unit first reports', () => {
    const harness = startWatching();
    poll(harness, 0, 20 * MIN, (unit) => unit.device !== 'room-c');
    expect(raised(harness)).toEqual(['room-c/no_data']);
    harness.engine.handleReading(
      temperatureReading(harness.now.ms, 2.5, { site: SITE, device: 'room-c', asset: 'room-c' }),
    );
    const cleared = harness.transitions.filter((t) => t.transition === 'cleared');
    expect(cleared.map((t) => t.alarm.device)).toEqual(['room-c']);
  });

  it('all units silent from start alarm per unit', () => {
    const harness = startWatching();
    // The whole bus is dead from the start, which is no power cut: the units never reported.
    poll(harness, 0, 20 * MIN, () => false);
    expect(raised(harness).sort()).toEqual(['room-a/no_data', 'room-b/no_data', 'room-c/no_data']);
  });

  it('unconfigured device stays unwatched', () => {
    const harness = startEngine(siteConfig());
    harness.engine.handleDeviceState({ device_id: 'room-x', up: false, consecutive_failures: 1 });
    poll(harness, 0, 30 * MIN, () => true);
    expect(raised(harness)).toEqual([]);
  });

  it('forgets a unit removed from the config', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'coldpool-removed-')), 'records.db');
    const before = startEngine(siteConfig(), path);
    const first = new AlarmEngine({
      config: before.config,
      store: new AlarmStore(before.db),
      clock: () => before.now.ms,
      devices: configured,
    });
    first.handleReading(temperatureReading(START_MS, 2.5, { site: SITE, device: 'wild-1', asset: 'wild-1' }));
    first.tick(START_MS + 1000);
    before.db.close();
    // The next start lists room-a and room-b only; room-c was taken out of the configuration.
    const after = startEngine(siteConfig(), path, { ms: START_MS + 60 * MIN });
    const second = new AlarmEngine({
      config: after.config,
      store: new AlarmStore(after.db),
      clock: () => after.now.ms,
      devices: configured.filter((device) => device.id !== 'room-c'),
    });
    second.on('transition', (transition) => after.transitions.push(structuredClone(transition)));
    const harness = { ...after, engine: second };
    poll(harness, 60 * MIN, 90 * MIN, (unit) => unit.device !== 'room-c');
    const rules = raised(harness);
    expect(rules).not.toContain('room-c/no_data');
    // A device seen only through its readings, as a wildcard subscription routes it, is still watched.
    expect(rules).toContain('wild-1/no_data');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alarmConfigSchema } from '../../../gateway/alarms/alarm-config.js';
import { ColdChainMonitor } from '../../../gateway/alarms/cold-chain-monitor.js';
import type { ConfiguredDevice } from '../../../gateway/alarms/offline-watch.js';
import { AuditTrail } from '../../../gateway/audit/audit-trail.js';
import { verifyAuditFile } from '../../../gateway/audit/audit-verify.js';
import { openRecordsDatabase } from '../../../gateway/audit/records-database.js';
import { registerCalibration } from '../../../gateway/calibration/calibration-register.js';
import { EventBus } from '../../../gateway/events.js';
import type { Reading } from '../../../gateway/reading.js';
import { START_MS, temperatureReading } from './scenario-harness.js';

let directory: string;
let logLines: Array<Record<string, unknown>>;
let rawLogLines: string[];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-monitor-'));
  logLines = [];
  rawLogLines = [];
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function logger() {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      rawLogLines.push(chunk.toString());
      logLines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return pino({ level: 'info' }, stream);
}

function monitor(now: { ms: number }, published: Array<[string, string]> = [], devices?: ConfiguredDevice[]) {
  const config = alarmConfigSchema.parse({
    store_path: join(directory, 'records.sqlite'),
    assets: [{ id: 'room-1', class: 'chilled', rules: [{ direction: 'high', level: 'alarm', threshold_c: 5 }] }],
    no_data: { timeout_s: 600 },
  });
  const bus = new EventBus();
  const coldChain = new ColdChainMonitor({
    config,
    bus,
    logger: logger(),
    clock: () => now.ms,
    publish: (topic, payload) => {
      published.push([topic, payload]);
    },
    audited_config: { alarms: { assets: ['room-1'] } },
    ...(devices ? { devices } : {}),
  });
  return { coldChain, bus, store: config.store_path };
}

describe('cold chain monitor', () => {
  it('forwards alarm readings apart from input readings', async () => {
    const now = { ms: START_MS };
    const { coldChain, bus } = monitor(now);
    const seen: Reading[] = [];
    const alarms: Reading[] = [];
    bus.on('reading', (reading) => seen.push(reading));
    bus.on('alarm_reading', (reading) => alarms.push(reading));
    coldChain.start();
    bus.emit('reading', temperatureReading(START_MS, 7));
    await coldChain.stop();
    expect(seen.map((reading) => reading.measurement)).toEqual(['cold_room']);
    expect(alarms.map((reading) => reading.measurement)).toEqual(['alarm']);
    expect(alarms[0]?.time_source).toBe('event');
  });

  it('logs a raised alarm with one level', async () => {
    const now = { ms: START_MS };
    const { coldChain, bus } = monitor(now);
    coldChain.start();
    bus.emit('reading', temperatureReading(START_MS, 7));
    await coldChain.stop();
    const raw = rawLogLines.find((line) => line.includes('"msg":"alarm raised"')) ?? '';
    expect(raw.match(/"level":/g)).toHaveLength(1);
    const line = JSON.parse(raw);
    expect(line.level).toBe(30);
    expect(line.alarm_level).toBe('alarm');
  });

  it('acknowledges through a JSON command', async () => {
    const now = { ms: START_MS };
    const { coldChain, bus } = monitor(now);
    coldChain.start();
    bus.emit('reading', temperatureReading(START_MS, 7));
    const id = coldChain.engine.openAlarms()[0]?.id;
    const alarm = coldChain.handleCommand(
      JSON.stringify({ action: 'acknowledge', alarm_id: id, by: 'ops', comment: 'seen' }),
    );
    await coldChain.stop();
    expect(alarm?.acknowledgement?.by).toBe('ops');
  });

  it('rejects closing an active alarm', async () => {
    const now = { ms: START_MS };
    const { coldChain, bus } = monitor(now);
    coldChain.start();
    bus.emit('reading', temperatureReading(START_MS, 7));
    const id = coldChain.engine.openAlarms()[0]?.id;
    const close = JSON.stringify({ action: 'close', alarm_id: id, by: 'ops', corrective_action: 'none' });
    expect(() => coldChain.handleCommand(close)).toThrow(/condition_active: true/);
    expect(() => coldChain.handleCommand(close)).toThrow(/acknowledge it now/);
    coldChain.handleCommand(JSON.stringify({ action: 'acknowledge', alarm_id: id, by: 'ops', comment: 'seen' }));
    let message = '';
    try {
      coldChain.handleCommand(close);
    } catch (error) {
      message = (error as Error).message;
    }
    await coldChain.stop();
    expect(message).toContain('condition_active: true');
    expect(message).toContain('once the condition clears');
    expect(message).not.toContain('acknowledge it now');
  });

  it('rejects an invalid command', async () => {
    const { coldChain } = monitor({ ms: START_MS });
    expect(() => coldChain.handleCommand('{"action":"acknowledge"}')).toThrow(/alarm_id/);
    expect(() => coldChain.handleCommand('not json')).toThrow(/not valid JSON/);
    await coldChain.stop();
  });

  it('writes records and config to a valid chain', async () => {
    const now = { ms: START_MS };
    const { coldChain, bus, store } = monitor(now);
    coldChain.start();
    for (let minute = 0; minute < 90; minute++) bus.emit('reading', temperatureReading(START_MS + minute * 60_000, 3));
    await coldChain.stop();
    const db = openRecordsDatabase(store);
    const kinds = new AuditTrail(db).entries().map((entry) => entry.kind);
    db.close();
    expect(kinds).toEqual(['config_change', 'record', 'record', 'record']);
    expect(verifyAuditFile(store).ok).toBe(true);
  });

  it('publishes a due calibration reminder', async () => {
    const now = { ms: START_MS };
    const first = monitor(now);
    registerCalibration(
      first.coldChain.trail,
      {
        probe: 'ctl-1/air_temp_c',
        certificate: 'C-9',
        calibrated_on: '2025-12-10',
        due_on: '2026-12-10',
        offset_c: 0,
        by: 'qa',
      },
      START_MS,
    );
    const published: Array<[string, string]> = [];
    await first.coldChain.stop();
    const second = monitor(now, published);
    second.coldChain.start();
    await second.coldChain.stop();
    expect(published[0]?.[0]).toBe('coldpool/alarms/calibration/ctl-1/air_temp_c');
    expect(logLines.some((line) => line.msg === 'probe calibration due')).toBe(true);
  });

  it('clears alarms of removed devices at start', async () => {
    const now = { ms: START_MS };
    const devices = ['ctl-1', 'ctl-2', 'ctl-3'].map((id) => ({ id, site: 'site-1', asset: 'room-1' }));
    const first = monitor(now, [], devices);
    first.coldChain.start();
    now.ms = START_MS + 11 * 60_000;
    first.coldChain.engine.tick();
    expect(first.coldChain.engine.openAlarms().map((alarm) => alarm.device)).toEqual(['ctl-1', 'ctl-2', 'ctl-3']);
    await first.coldChain.stop();

    const published: Array<[string, string]> = [];
    logLines = [];
    const second = monitor(now, published, devices.slice(0, 1));
    second.coldChain.start();
    await second.coldChain.stop();

    const summary = logLines.filter((line) => String(line.msg).includes('removed from the configuration'));
    expect(summary).toHaveLength(1);
    expect(summary[0]?.level).toBe(30);
    expect(summary[0]?.msg).toBe('cleared 2 active alarms of devices removed from the configuration: ctl-2, ctl-3');
    expect(summary[0]?.cleared).toBe(2);
    const notices = published.map(([, payload]) => JSON.parse(payload));
    expect(notices.map((notice) => `${notice.reason}:${notice.device}`)).toEqual(['cleared:ctl-2', 'cleared:ctl-3']);
    expect(notices[0]?.clear_reason).toBe('device removed from the configuration');
  });

  it('logs no removal line when nothing was removed', async () => {
    const devices = [{ id: 'ctl-1', site: 'site-1', asset: 'room-1' }];
    const first = monitor({ ms: START_MS }, [], devices);
    first.coldChain.start();
    await first.coldChain.stop();
    const second = monitor({ ms: START_MS + 60_000 }, [], devices);
    second.coldChain.start();
    await second.coldChain.stop();
    expect(logLines.some((line) => String(line.msg).includes('removed from the configuration'))).toBe(false);
  });
});

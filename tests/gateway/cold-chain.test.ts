import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configuredDevices, startColdChain } from '../../gateway/cold-chain.js';
import { parseConfig } from '../../gateway/config/load.js';
import { EventBus } from '../../gateway/events.js';

const START_MS = Date.UTC(2026, 11, 1, 0, 0, 0);
let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'coldpool-cold-chain-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function loadConfig() {
  return parseConfig(
    [
      'site: north-hub',
      'devices:',
      '  - { id: ctrl-1, protocol: modbus_tcp, host: 127.0.0.1, port: 1502, asset: freezer-1, profile: generic-tenths-c }',
      '  - { id: room-1, protocol: mqtt, topic: rooms/1, site: south-hub, profile: coldpool-room-celsius }',
      'alarms:',
      `  store_path: ${join(directory, 'records.sqlite')}`,
      '  assets: [{ id: freezer-1, class: frozen }, { id: room-1, class: chilled }]',
      '  no_data: { timeout_s: 600 }',
    ].join('\n'),
    'test.yaml',
  ).config;
}

describe('cold chain wiring', () => {
  it('lists configured devices with their tags', () => {
    expect(configuredDevices(loadConfig())).toEqual([
      { id: 'ctrl-1', site: 'north-hub', asset: 'freezer-1' },
      { id: 'room-1', site: 'south-hub', asset: 'room-1' },
    ]);
  });

  it('silent configured devices raise offline alarms', async () => {
    const now = { ms: START_MS };
    const monitor = await startColdChain(
      loadConfig(),
      new EventBus(),
      pino({ level: 'silent' }),
      undefined,
      () => now.ms,
    );
    try {
      now.ms = START_MS + 600_000;
      monitor.engine.tick();
      expect(monitor.engine.openAlarms()).toEqual([]);
      now.ms = START_MS + 601_000;
      monitor.engine.tick();
      const alarms = monitor.engine
        .openAlarms()
        .map((alarm) => `${alarm.site}/${alarm.asset}/${alarm.device}/${alarm.rule}`);
      expect(alarms.sort()).toEqual(['north-hub/freezer-1/ctrl-1/no_data', 'south-hub/room-1/room-1/no_data']);
    } finally {
      await monitor.stop();
    }
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtuControllerSim } from '../../firmware-sim/rtu/rtu-controller-sim.js';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import type { Reading } from '../../gateway/reading.js';
import { type PtyPair, startPtyPair } from '../devices/modbus/pty-pair.js';

describe('gateway on a modbus rtu bus', () => {
  let pty: PtyPair;
  let sim: RtuControllerSim;
  let gateway: Gateway;
  const readings: Reading[] = [];

  beforeAll(async () => {
    pty = await startPtyPair();
    sim = new RtuControllerSim({ path: pty.device_path, units: [1, 2], baud_rate: 9600, parity: 'none' });
    await sim.start();
    const config = validateConfig({
      site: 'rtu-site',
      mqtt: { broker: { enabled: false }, republish: { enabled: false } },
      buses: [{ id: 'rs485-1', path: pty.gateway_path, baud_rate: 9600, parity: 'none' }],
      devices: [1, 2].map((unit) => ({
        id: `rtu-${unit}`,
        protocol: 'modbus_rtu',
        bus: 'rs485-1',
        unit_id: unit,
        poll_interval_s: 0.3,
        timeout_ms: 300,
        profile: 'generic-tenths-c',
      })),
      outputs: { local_store: { path: join(mkdtempSync(join(tmpdir(), 'coldpool-rtu-')), 'store.db') } },
    });
    gateway = new Gateway(config, pino({ level: 'silent' }));
    gateway.bus.on('reading', (reading) => readings.push(reading));
    await gateway.start();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await gateway.stop();
  }, 30_000);

  afterAll(async () => {
    await sim?.stop();
    await pty?.close();
  });

  it('reads both units on one bus', () => {
    const devices = new Set(readings.map((reading) => reading.tags.device));
    expect([...devices].sort()).toEqual(['rtu-1', 'rtu-2']);
  });

  it('decodes the controller temperatures', () => {
    for (const reading of readings) {
      expect(reading.fields.air_temp_c).toBeTypeOf('number');
      expect(reading.fields.air_temp_c as number).toBeGreaterThan(-40);
      expect(reading.fields.air_temp_c as number).toBeLessThan(30);
    }
  });

  it('tags readings with the configured site', () => {
    expect(readings[0]?.tags.site).toBe('rtu-site');
  });
});

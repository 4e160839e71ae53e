import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtuControllerSim } from '../../firmware-sim/rtu/rtu-controller-sim.js';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { type PtyPair, startPtyPair } from '../devices/modbus/pty-pair.js';
import { sample } from '../harness/prometheus-sample.js';

describe('rtu line metrics', () => {
  let pty: PtyPair;
  let sim: RtuControllerSim;
  let gateway: Gateway;
  let metrics = '';

  beforeAll(async () => {
    pty = await startPtyPair();
    sim = new RtuControllerSim({ path: pty.device_path, units: [1, 2], baud_rate: 9600, parity: 'none' });
    // Unit 2 replies to every request with one bit flipped, so each of its replies fails the CRC check.
    sim.setFaults(2, { corrupt_share: 1 });
    await sim.start();
    const config = validateConfig({
      site: 'rtu-site',
      mqtt: { broker: { enabled: false }, republish: { enabled: false } },
      http: { enabled: true, port: 0 },
      buses: [{ id: 'rs485-1', path: pty.gateway_path, baud_rate: 9600, parity: 'none' }],
      devices: [1, 2].map((unit) => ({
        id: `rtu-${unit}`,
        protocol: 'modbus_rtu',
        bus: 'rs485-1',
        unit_id: unit,
        poll_interval_s: 0.3,
        // The healthy unit gets a timeout that a loaded test machine still meets. The corrupt unit never
        // sends a valid reply, so its short timeout only sets how fast its failures are counted.
        timeout_ms: unit === 1 ? 1000 : 200,
        retries: 0,
        profile: 'generic-tenths-c',
      })),
      outputs: { local_store: { path: join(mkdtempSync(join(tmpdir(), 'coldpool-rtu-metrics-')), 'store.db') } },
    });
    gateway = new Gateway(config, pino({ level: 'silent' }));
    await gateway.start();
    // The failing unit backs off after each failure, so the wait is for every count the tests read, not a
    // fixed time.
    const deadline = Date.now() + 20_000;
    for (;;) {
      metrics = await (await fetch(`${gateway.apiUrl()}/metrics`)).text();
      const crcErrors = sample(metrics, 'coldpool_modbus_rtu_crc_errors_total{bus="rs485-1"}') ?? 0;
      const timeouts = sample(metrics, 'coldpool_modbus_rtu_timeouts_total{bus="rs485-1"}') ?? 0;
      const requests = sample(metrics, 'coldpool_modbus_rtu_requests_total{bus="rs485-1"}') ?? 0;
      const replies = sample(metrics, 'coldpool_modbus_rtu_replies_total{bus="rs485-1"}') ?? 0;
      const counted = crcErrors >= 2 && timeouts >= 2 && requests >= 4 && replies >= 2;
      if (counted || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await gateway.stop();
  }, 40_000);

  afterAll(async () => {
    await sim?.stop();
    await pty?.close();
  });

  it('counts requests and replies per bus', () => {
    const requests = sample(metrics, 'coldpool_modbus_rtu_requests_total{bus="rs485-1"}') ?? 0;
    const replies = sample(metrics, 'coldpool_modbus_rtu_replies_total{bus="rs485-1"}') ?? 0;
    expect(requests).toBeGreaterThanOrEqual(4);
    expect(replies).toBeGreaterThanOrEqual(2);
    expect(replies).toBeLessThan(requests);
  });

  it('counts crc errors of the corrupt unit', () => {
    expect(sample(metrics, 'coldpool_modbus_rtu_crc_errors_total{bus="rs485-1"}')).toBeGreaterThanOrEqual(2);
    expect(sample(metrics, 'coldpool_modbus_rtu_timeouts_total{bus="rs485-1"}')).toBeGreaterThanOrEqual(2);
  });
});

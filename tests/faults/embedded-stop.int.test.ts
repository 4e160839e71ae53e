/**
 * QoS 1 devices publishing to the gateway's embedded broker while the gateway stops (SIGTERM) and
 * starts again: every message the broker acknowledged must be in InfluxDB afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness/free-port.js';
import { type Influxd, startInfluxd } from '../harness/influxd.js';
import { printTally, sleep } from './support/fault-rig.js';
import { FloodingDevice } from './support/flooding-device.js';
import { type GatewayProcess, gatewayProcess } from './support/gateway-process.js';
import { waitForStored } from './support/influx-tally.js';

const DATABASE = 'embedded_stop';
const DEVICES = 3;

describe('embedded broker stop', () => {
  let influxd: Influxd | undefined;
  let gateway: GatewayProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-embedded-stop-'));

  afterAll(async () => {
    await gateway?.stop();
    await influxd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Floods the gateway, stops and starts it, and checks every acknowledged message; returns the stop's duration. */
  async function stopUnderFlood(database: string, republish: Record<string, unknown>): Promise<number> {
    influxd ??= await startInfluxd();
    const port = await freePort();
    const runDir = mkdtempSync(join(dir, 'run-'));
    gateway = gatewayProcess(runDir, {
      site: 'stop-test',
      log_level: 'info',
      mqtt: {
        broker: { port },
        republish,
        subscriptions: [{ topic: 'stop/+/state', device_id_segment: 1, profile: 'coldpool-room-celsius' }],
      },
      outputs: {
        influx: { url: `${influxd.url}/${database}` },
        local_store: { enabled: false, path: join(runDir, 'store.db') },
        queue: { path: join(runDir, 'queue.db'), self_metrics_interval_s: 0 },
      },
    });

    const devices = Array.from(
      { length: DEVICES },
      (_, index) => new FloodingDevice(`dev-${index}`, `mqtt://127.0.0.1:${port}`),
    );
    // The devices start first, so their first messages race the gateway's start.
    for (const device of devices) device.start();
    await gateway.start();
    await sleep(1500);
    const stopStarted = Date.now();
    await gateway.stop();
    const stopMs = Date.now() - stopStarted;
    await gateway.start();
    await sleep(1500);
    for (const device of devices) device.stop();

    const sent = new Map(devices.map((device) => [device.id, device.acknowledged as ReadonlySet<number>]));
    const result = await waitForStored(influxd, database, sent, 20_000);
    await gateway.stop();

    printTally(`embedded broker SIGTERM with QoS 1 in flight (${database})`, result);
    expect(result.sent).toBeGreaterThan(1000);
    expect(result.missing).toEqual([]);
    return stopMs;
  }

  it('stores every acknowledged message', async () => {
    await stopUnderFlood(DATABASE, { enabled: false });
  });

  it('stops with QoS 1 republish in flight', async () => {
    // The republish output publishes to the same broker, which withholds its PUBACKs once the input stopped.
    const stopMs = await stopUnderFlood(`${DATABASE}_republish`, { enabled: true, qos: 1 });
    expect(stopMs).toBeLessThan(15_000);
  }, 60_000);
});

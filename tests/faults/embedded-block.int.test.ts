/**
 * QoS 1 devices flood the embedded broker while InfluxDB is down and the queue is capped (`overflow:
 * block`). The broker may acknowledge no more messages than the queue holds, and a stop meanwhile does
 * not hang. Every acknowledged message reaches InfluxDB once it is back.
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

const DATABASE = 'embedded_block';
const MAX_QUEUE_POINTS = 500;

describe('embedded broker with a full queue', () => {
  let influxd: Influxd | undefined;
  let gateway: GatewayProcess | undefined;
  let devices: FloodingDevice[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-embedded-block-'));

  afterAll(async () => {
    for (const device of devices) device.stop();
    await gateway?.stop();
    await influxd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('acknowledges only stored readings', async () => {
    influxd = await startInfluxd();
    const port = await freePort();
    gateway = gatewayProcess(dir, {
      site: 'block-test',
      log_level: 'info',
      mqtt: {
        broker: { port },
        subscriptions: [{ topic: 'block/+/state', device_id_segment: 1, profile: 'coldpool-room-celsius' }],
      },
      outputs: {
        influx: { url: `${influxd.url}/${DATABASE}` },
        local_store: { enabled: false, path: join(dir, 'store.db') },
        queue: { path: join(dir, 'queue.db'), max_queue_points: MAX_QUEUE_POINTS, self_metrics_interval_s: 0 },
      },
    });
    await gateway.start();
    await influxd.kill();

    devices = ['dev-0', 'dev-1', 'dev-2'].map((id) => new FloodingDevice(id, `mqtt://127.0.0.1:${port}`, 'block'));
    for (const device of devices) device.start();
    await sleep(3000);
    const acknowledgedWhileDown = devices.reduce((total, device) => total + device.acknowledged.size, 0);
    expect(gateway.logs.some((line) => String(line.msg).startsWith('durable queue full'))).toBe(true);
    expect(acknowledgedWhileDown).toBeLessThanOrEqual(MAX_QUEUE_POINTS);

    // A stop while messages wait for room commits their readings and does not hang.
    const stopStarted = Date.now();
    await gateway.stop();
    expect(Date.now() - stopStarted).toBeLessThan(15_000);
    await gateway.start();
    await influxd.restart();
    await sleep(3000);
    for (const device of devices) device.stop();
    const sent = new Map(devices.map((device) => [device.id, device.acknowledged as ReadonlySet<number>]));
    // After the outage the InfluxDB output may wait up to 30 s (its retry cap) before its next attempt.
    const result = await waitForStored(influxd, DATABASE, sent, 45_000);
    printTally(`embedded broker, queue capped at ${MAX_QUEUE_POINTS} points, influxd down`, result);
    expect(result.sent).toBeGreaterThan(MAX_QUEUE_POINTS);
    expect(result.missing).toEqual([]);
    expect(result.duplicates).toBe(0);
    expect(gateway.logs.some((line) => line.msg === 'durable queue dropped points')).toBe(false);
  });
});

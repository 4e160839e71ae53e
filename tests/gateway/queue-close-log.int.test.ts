import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import type { Reading } from '../../gateway/reading.js';
import { freePort } from '../harness/free-port.js';

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('durable queue closed log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldpool-queue-close-'));

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts readings held in memory', async () => {
    const port = await freePort();
    // Nothing listens on the InfluxDB port, so the queue fills and stays full.
    const influxPort = await freePort();
    const config = validateConfig({
      mqtt: { broker: { port }, republish: { enabled: false } },
      alarms: { enabled: false },
      devices: [{ id: 'room-1', protocol: 'mqtt', topic: 'rooms/room-1/state', profile: 'coldpool-room-celsius' }],
      outputs: {
        local_store: { enabled: false, path: join(dir, 'store.db') },
        queue: { path: join(dir, 'queue.db'), max_queue_points: 2, overflow: 'block', self_metrics_interval_s: 0 },
        influx: { url: `http://127.0.0.1:${influxPort}/coldpool`, worker_thread: false },
      },
    });
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const gateway = new Gateway(config, log);
    const readings: Reading[] = [];
    gateway.bus.on('reading', (reading) => readings.push(reading));
    await gateway.start();
    const device = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'queue-close-device' });
    try {
      // The first two readings fill the queue. The broker delays the PUBACK of the other two, whose
      // readings wait in memory for room.
      for (let seq = 1; seq <= 4; seq++) {
        const payload = { seq, ts: Date.now(), temp_c: 3 + seq / 10, rh_pct: 85, door_open: false, battery_pct: 90 };
        void device.publishAsync('rooms/room-1/state', JSON.stringify(payload), { qos: 1 }).catch(() => {});
      }
      await until(() => readings.length === 4);
    } finally {
      await gateway.stop();
      await device.endAsync(true);
    }
    const closed = lines.find((line) => line.msg === 'durable queue closed');
    expect(closed?.depth_points).toBe(4);
    expect(closed?.accepted).toBe(4);
  });
});

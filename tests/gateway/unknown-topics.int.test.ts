import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connectAsync, type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { freePort } from '../harness/free-port.js';

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('gateway unknown topics on the embedded broker', () => {
  const lines: Array<Record<string, unknown>> = [];
  const republished: string[] = [];
  let dir: string;
  let gateway: Gateway;
  let device: MqttClient;
  let dashboard: MqttClient;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coldpool-unknown-'));
    const port = await freePort();
    const config = validateConfig({
      site: 'depot',
      mqtt: { broker: { port }, republish: { enabled: true } },
      devices: [
        { id: 'room-1', protocol: 'mqtt', topic: 'sites/depot/rooms/1/state', profile: 'coldpool-room-celsius' },
      ],
      outputs: { local_store: { path: join(dir, 'store.db') } },
    });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    gateway = new Gateway(config, pino({ level: 'info' }, sink));
    await gateway.start();
    dashboard = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'unknown-test-dashboard' });
    dashboard.on('message', (topic) => republished.push(topic));
    await dashboard.subscribeAsync('coldpool/readings/#');
    device = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'unknown-test-device' });
  });

  afterAll(async () => {
    await device?.endAsync();
    await dashboard?.endAsync();
    await gateway?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('does not count republished readings', async () => {
    const reading = { seq: 1, ts: Date.now(), temp_c: 3.2, rh_pct: 85.1, door_open: false, battery_pct: 92 };
    await device.publishAsync('sites/depot/rooms/1/state', JSON.stringify(reading), { qos: 1 });
    await until(() => republished.length > 0);
    expect(gateway.stats.unknown_topics).toBe(0);
  });

  it('counts and logs a topic no device maps', async () => {
    await device.publishAsync('sites/depot/rooms/9/state', '{"temp_c":3}', { qos: 1 });
    await until(() => gateway.stats.unknown_topics === 1);
    expect(gateway.stats.unknown_topics).toBe(1);
    const logged = lines.filter((line) => line.code === 'MQTT_UNKNOWN_TOPIC');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.topic).toBe('sites/depot/rooms/9/state');
  });
});

/**
 * A device that reports more than once a second with epoch-second timestamps sends readings that share a
 * timestamp. InfluxDB keeps one point per series and time, so the later reading overwrites the earlier
 * one. The gateway must count each such loss, expose the count and log what to change, and must not
 * count an identical repeat of a message.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { freePort } from '../harness/free-port.js';
import { type Influxd, startInfluxd } from '../harness/influxd.js';
import { sample } from '../harness/prometheus-sample.js';
import { waitFor } from './support/wait-for.js';

const TOPIC = 'rooms/1';
/** One epoch second, sent as the `ts` of every payload below. */
const EPOCH_SECONDS = Math.floor(Date.now() / 1000) - 30;

function roomPayload(seq: number, ts: number, temp_c = 3.5): string {
  return JSON.stringify({ seq, ts, temp_c, rh_pct: 80, door_open: false, battery_pct: 90 });
}

describe('readings that share a device timestamp', () => {
  const lines: Array<Record<string, unknown>> = [];
  let influxd: Influxd;
  let gateway: Gateway;
  let client: MqttClient;
  let api: string;

  beforeAll(async () => {
    influxd = await startInfluxd();
    const port = await freePort();
    const config = validateConfig({
      site: 'collide',
      mqtt: { broker: { port }, republish: { enabled: false } },
      http: { enabled: true, port: await freePort() },
      devices: [{ id: 'room-1', protocol: 'mqtt', topic: TOPIC, profile: 'coldpool-room-celsius' }],
      outputs: {
        influx: { url: `${influxd.url}/collide`, flush_interval_ms: 100 },
        local_store: { path: join(mkdtempSync(join(tmpdir(), 'coldpool-collide-')), 'store.db') },
      },
    });
    gateway = new Gateway(config, pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }));
    await gateway.start();
    api = gateway.apiUrl() ?? '';
    client = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'collide-publisher' });

    for (const seq of [5001, 5002, 5003]) {
      await client.publishAsync(TOPIC, roomPayload(seq, EPOCH_SECONDS), { qos: 1 });
    }
    // An identical message again, as a QoS 1 redelivery brings it: it overwrites nothing.
    await client.publishAsync(TOPIC, roomPayload(5003, EPOCH_SECONDS), { qos: 1 });
    // The next second starts a new point.
    await client.publishAsync(TOPIC, roomPayload(5004, EPOCH_SECONDS + 1), { qos: 1 });
    await waitFor(() => gateway.stats.readings === 5, 'five readings', 10_000);
  }, 60_000);

  afterAll(async () => {
    await client?.endAsync();
    await gateway?.stop();
    await influxd?.stop();
  });

  it('counts the two overwritten readings', () => {
    expect(gateway.stats.timestamp_collisions).toBe(2);
  });

  it('exposes the count to prometheus', async () => {
    const text = await (await fetch(`${api}/metrics`)).text();
    expect(sample(text, 'coldpool_timestamp_collisions_total{device="room-1"}')).toBe(2);
  });

  it('exposes the count in the gateway metrics route', async () => {
    const body = (await (await fetch(`${api}/api/v1/gateway/metrics`)).json()) as Record<string, unknown>;
    expect(body.timestamp_collisions).toBe(2);
  });

  it('shows the count in the device health', async () => {
    const before = Date.now();
    const body = (await (await fetch(`${api}/api/v1/devices/room-1`)).json()) as {
      health: { timestamp_collisions: number; last_timestamp_collision_ms: number | null };
    };
    expect(body.health.timestamp_collisions).toBe(2);
    expect(body.health.last_timestamp_collision_ms).toBeLessThanOrEqual(before);
    expect(body.health.last_timestamp_collision_ms).toBeGreaterThan(before - 60_000);
  });

  it('lists the count in the device list', async () => {
    const body = (await (await fetch(`${api}/api/v1/devices`)).json()) as Array<{
      id: string;
      health: { timestamp_collisions: number };
    }>;
    expect(body.find((device) => device.id === 'room-1')?.health.timestamp_collisions).toBe(2);
  });

  it('logs one warning naming the device, time and fix', () => {
    const warnings = lines.filter((line) => line.code === 'TIME_REPEATED');
    expect(warnings).toHaveLength(1);
    const warning = warnings[0] ?? {};
    expect(warning.level).toBe(40);
    expect(warning.device_id).toBe('room-1');
    expect(warning.time_ms).toBe(EPOCH_SECONDS * 1000);
    expect(warning.overwritten_seq).toBe(5001);
    expect(warning.seq).toBe(5002);
    const message = String(warning.message);
    expect(message).toContain(
      `device room-1 sent two readings with the same timestamp ${new Date(EPOCH_SECONDS * 1000).toISOString()}`,
    );
    expect(message).toContain('epoch milliseconds');
    expect(message).toContain('remove time_path from the payload mapping');
  });

  it('stores one point per second in influxdb', async () => {
    await waitFor(
      () => (gateway.outputStats().find((entry) => entry.name === 'influx')?.stats.pending ?? 1) === 0,
      'the influx output to drain',
      10_000,
    );
    const body = await influxd.query(`SELECT "seq" FROM "cold_room" WHERE "device" = 'room-1'`, 'collide');
    const seqs = (body.results[0].series[0].values as Array<[string, number]>).map((row) => row[1]);
    expect(seqs).toEqual([5003, 5004]);
  });
});

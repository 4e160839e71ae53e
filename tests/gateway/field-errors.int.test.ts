import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceView } from '../../gateway/api/fleet-state.js';
import { fetchStatus, formatStatus } from '../../gateway/cli/commands/status.js';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import type { Reading } from '../../gateway/reading.js';
import { freePort } from '../harness/free-port.js';
import { sample } from '../harness/prometheus-sample.js';

const TOPIC = 'test/room-a/state';

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Builds a room-node payload with `tempText` as the raw JSON of `temp_c`, so `1e400` stays `1e400`. */
function roomPayload(seq: number, tempText: string): string {
  return `{"seq":${seq},"ts":${Date.now()},"temp_c":${tempText},"rh_pct":81,"door_open":false,"battery_pct":90}`;
}

describe('gateway with unreadable payloads', () => {
  const lines: Array<Record<string, unknown>> = [];
  const readings: Reading[] = [];
  let gateway: Gateway;
  let client: MqttClient;
  let api: string;

  beforeAll(async () => {
    const port = await freePort();
    const sink = {
      write(line: string) {
        lines.push(JSON.parse(line));
      },
    };
    const config = validateConfig({
      site: 'test-site',
      mqtt: { broker: { port }, republish: { enabled: false } },
      http: { enabled: true, port: await freePort() },
      devices: [{ id: 'room-a', protocol: 'mqtt', topic: TOPIC, profile: 'coldpool-room-celsius' }],
      outputs: { local_store: { path: join(mkdtempSync(join(tmpdir(), 'coldpool-fields-')), 'store.db') } },
    });
    gateway = new Gateway(config, pino({ level: 'info' }, sink));
    gateway.bus.on('reading', (reading) => readings.push(reading));
    await gateway.start();
    api = gateway.apiUrl() ?? '';
    client = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'test-publisher' });
  });

  afterAll(async () => {
    await client?.endAsync();
    await gateway?.stop();
  });

  async function device(): Promise<DeviceView> {
    return (await (await fetch(`${api}/api/v1/devices/room-a`)).json()) as DeviceView;
  }

  it('counts each unreadable temperature per device', async () => {
    const values = ['"Infinity"', '1e400', 'true', '{"value":4}'];
    for (const [index, value] of values.entries()) {
      await client.publishAsync(TOPIC, roomPayload(99_100 + index, value), { qos: 1 });
    }
    await until(() => readings.length === values.length);
    for (const reading of readings) {
      expect(reading.fields.air_temp_c).toBeUndefined();
      expect(reading.fields.humidity_pct).toBe(81);
    }
    const health = (await device()).health;
    expect(health.field_errors).toBe(4);
    expect(health.last_field_error).toMatch(/^FIELD_NOT_NUMBER: air_temp_c: expected a number .*got an object$/);
    expect(health.input_problems).toBe(0);
    expect(health.sensor_faults).toBe(0);
  });

  it('keeps the gateway totals apart', () => {
    expect(gateway.stats.field_errors).toBe(4);
    expect(gateway.stats.field_errors_by_device.get('room-a')).toBe(4);
    expect(gateway.stats.sensor_faults).toBe(0);
    expect(gateway.stats.payload_errors).toBe(0);
  });

  it('exposes field errors to prometheus', async () => {
    const text = await (await fetch(`${api}/metrics`)).text();
    expect(sample(text, 'coldpool_field_errors_total{device="room-a"}')).toBe(4);
  });

  it('shows field errors in status', async () => {
    const status = await fetchStatus(api);
    expect(status.metrics.field_errors).toBe(4);
    const output = formatStatus(status);
    expect(output).toMatch(/^DEVICE .* FAULTS\s+FIELD ERRORS\s+TIME COLLISIONS\s+PROBLEMS\s+LAST ERROR$/m);
    expect(output).toMatch(/^room-a\s.*\s4\s+0\s+0\s+FIELD_NOT_NUMBER: air_temp_c: /m);
    expect(output).toContain('sensor faults 0, field errors 4, payload errors 0');
  });

  it('writes field errors in the device self-metrics', () => {
    const snapshot = gateway.selfMetrics();
    const room = snapshot?.devices.find((entry) => entry.device_id === 'room-a');
    expect(room?.field_errors).toBe(4);
  });

  it('logs the code of each unreadable field', () => {
    const logged = lines.filter((line) => line.msg === 'field not read' && line.device_id === 'room-a');
    expect(logged.map((line) => line.code)).toEqual(['FIELD_NOT_NUMBER']);
    expect(logged[0]?.field).toBe('air_temp_c');
  });

  it('counts a non-object payload once', async () => {
    for (const payload of ['null', '[]', '42']) await client.publishAsync(TOPIC, payload, { qos: 1 });
    await until(() => gateway.stats.payload_errors === 3);
    const health = (await device()).health;
    expect(health.input_problems).toBe(3);
    expect(health.last_error).toMatch(/^PAYLOAD_NOT_OBJECT: payload is a number, expected a JSON object with keys /);
    expect(health.field_errors).toBe(4);
    expect(gateway.stats.field_errors).toBe(4);
  });

  it('logs a null payload with its reason', () => {
    const logged = lines.filter((line) => line.code === 'PAYLOAD_NOT_OBJECT');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.message).toMatch(
      /^payload is null, expected a JSON object with keys temp_c, rh_pct, door_open, battery_pct, ts, seq; /,
    );
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceView } from '../../gateway/api/fleet-state.js';
import { type RunningApi, startGatewayApi } from '../../gateway/api/gateway-api.js';
import { fetchStatus, formatStatus } from '../../gateway/cli/commands/status.js';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { freePort } from '../harness/free-port.js';

const ROOMS = ['room-a', 'room-b', 'room-c'];
const FILTER = 'rooms/+/state';

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('devices discovered through a wildcard subscription', () => {
  let dir: string;
  let gateway: Gateway;
  let api: RunningApi;
  let client: MqttClient;

  async function getDevices(query = ''): Promise<{ devices: DeviceView[]; total: string | null }> {
    const response = await fetch(`${api.url}/api/v1/devices${query}`);
    expect(response.status).toBe(200);
    return { devices: (await response.json()) as DeviceView[], total: response.headers.get('x-total-count') };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coldpool-discovered-'));
    const port = await freePort();
    const resolved = validateConfig({
      version: 1,
      site: 'north-hub',
      mqtt: {
        broker: { port },
        republish: { enabled: false },
        subscriptions: [{ topic: FILTER, device_id_segment: 1, profile: 'coldpool-room-celsius' }],
      },
      devices: [{ id: 'truck-1', protocol: 'mqtt', topic: 'trucks/truck-1/telemetry', profile: 'coldpool-reefer' }],
      outputs: { local_store: { enabled: true, path: join(dir, 'store.db') } },
    });
    gateway = new Gateway(resolved, pino({ level: 'silent' }));
    await gateway.start();
    api = await startGatewayApi(gateway, { port: 0 });
    client = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'discovered-test' });
    const now = Date.now();
    for (const room of ROOMS) {
      const payload = { seq: 1, ts: now, temp_c: 3.2, rh_pct: 85.1, door_open: false, battery_pct: 92 };
      await client.publishAsync(`rooms/${room}/state`, JSON.stringify(payload), { qos: 1 });
    }
    const truck = {
      seq: 1,
      ts: now,
      unit_on: true,
      door_open: false,
      lat: 30.6598,
      lon: 104.0633,
      speed_kmh: 42.5,
      compartments: [{ id: 'front', temp_c: -18.2, setpoint_c: -18 }],
    };
    await client.publishAsync('trucks/truck-1/telemetry', JSON.stringify(truck), { qos: 1 });
    await until(async () => (await getDevices()).devices.every((device) => device.health.last_seen_ms !== null));
  });

  afterAll(async () => {
    await client?.endAsync();
    await api?.stop();
    await gateway?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists configured, then discovered devices', async () => {
    const { devices, total } = await getDevices();
    expect(devices.map((device) => device.id)).toEqual(['truck-1', ...ROOMS]);
    expect(total).toBe('4');
  });

  it('marks discovered devices with their filter', async () => {
    const { devices } = await getDevices();
    const truck = devices.find((device) => device.id === 'truck-1')!;
    expect(truck.discovered).toBe(false);
    expect(truck.subscription).toBeUndefined();
    for (const room of devices.filter((device) => device.id !== 'truck-1')) {
      expect(room.discovered).toBe(true);
      expect(room.subscription).toBe(FILTER);
      expect(room.protocol).toBe('mqtt');
      expect(room.site).toBe('north-hub');
      expect(room.health.state).toBe('up');
      expect(room.health.last_seen_ms).toBeGreaterThan(0);
      expect(room.latest[0]?.fields.air_temp_c).toBe(3.2);
    }
  });

  it('pages the device list', async () => {
    const first = await getDevices('?limit=2');
    const second = await getDevices('?offset=2&limit=2');
    expect(first.devices.map((device) => device.id)).toEqual(['truck-1', 'room-a']);
    expect(second.devices.map((device) => device.id)).toEqual(['room-b', 'room-c']);
    expect(second.total).toBe('4');
  });

  it('pages the discovered devices alone', async () => {
    const all = await getDevices('?discovered=true');
    const second = await getDevices('?discovered=true&offset=1&limit=1');
    expect(all.devices.map((device) => device.id)).toEqual(ROOMS);
    expect(all.total).toBe('3');
    expect(second.devices.map((device) => device.id)).toEqual(['room-b']);
    expect(second.total).toBe('3');
  });

  it('rejects a limit above the maximum', async () => {
    const response = await fetch(`${api.url}/api/v1/devices?limit=10001`);
    expect(response.status).toBe(400);
  });

  it('returns one discovered device', async () => {
    const response = await fetch(`${api.url}/api/v1/devices/room-b`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as DeviceView).subscription).toBe(FILTER);
  });

  it('shows discovered devices in status', async () => {
    const status = await fetchStatus(api.url);
    expect(status.devices_total).toBe(4);
    expect(status.metrics.devices_total).toBe(4);
    expect(status.metrics.devices_up).toBe(4);
    const text = formatStatus(status);
    expect(text).toContain('devices up 4/4');
    expect(text).toMatch(/room-b\s+room-b\s+mqtt\s+discovered rooms\/\+\/state\s+up\s/);
    expect(text).toMatch(/truck-1\s+truck-1\s+mqtt\s+config\s+up\s/);
  });
});

describe('discovered devices whose payloads all fail', () => {
  const BAD_FILTER = 'sim/rooms/+/state';
  let dir: string;
  let gateway: Gateway;
  let api: RunningApi;
  let client: MqttClient;
  let startedMs: number;

  async function getDevice(id: string): Promise<Response> {
    return fetch(`${api.url}/api/v1/devices/${id}`);
  }

  beforeAll(async () => {
    startedMs = Date.now();
    dir = await mkdtemp(join(tmpdir(), 'coldpool-discovered-bad-'));
    const port = await freePort();
    const resolved = validateConfig({
      version: 1,
      site: 'north-hub',
      mqtt: {
        broker: { port },
        republish: { enabled: false },
        subscriptions: [{ topic: BAD_FILTER, device_id_segment: 2, profile: 'coldpool-room-celsius' }],
      },
      outputs: { local_store: { enabled: true, path: join(dir, 'store.db') } },
    });
    gateway = new Gateway(resolved, pino({ level: 'silent' }));
    await gateway.start();
    api = await startGatewayApi(gateway, { port: 0 });
    client = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'discovered-bad-test' });
    // The fahrenheit dialect under a celsius profile: no field of the profile is in the payload.
    const fahrenheit = { time: new Date().toISOString(), temperature_f: 38.3, humidity: 81, door: false };
    for (let index = 0; index < 3; index += 1) {
      await client.publishAsync('sim/rooms/room-2/state', JSON.stringify(fahrenheit), { qos: 1 });
    }
    await client.publishAsync('sim/rooms/room-3/state', '{"temp_c": ', { qos: 1 });
    await until(async () => (await getDevice('room-3')).status === 200);
  });

  afterAll(async () => {
    await client?.endAsync();
    await api?.stop();
    await gateway?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists a device with field errors only', async () => {
    const response = await getDevice('room-2');
    expect(response.status).toBe(200);
    const device = (await response.json()) as DeviceView;
    expect(device.discovered).toBe(true);
    expect(device.subscription).toBe(BAD_FILTER);
    expect(device.site).toBe('north-hub');
    expect(device.health.readings).toBe(0);
    expect(device.health.field_errors).toBe(gateway.stats.field_errors_by_device.get('room-2'));
    expect(device.health.field_errors).toBeGreaterThan(0);
    expect(device.health.last_field_error).toMatch(/^FIELD_MISSING: /);
    expect(device.latest).toEqual([]);
  });

  it('marks field errors only as payload errors', async () => {
    const device = (await (await getDevice('room-2')).json()) as DeviceView;
    expect(device.health.state).toBe('payload_errors');
    expect(device.health.last_payload_error).toMatch(/^FIELD_MISSING: /);
    expect(device.health.last_payload_error_ms).toBeGreaterThanOrEqual(startedMs);
    expect(device.health.last_payload_error_ms).toBeLessThanOrEqual(Date.now());
  });

  it('lists a device whose payload is not JSON', async () => {
    const device = (await (await getDevice('room-3')).json()) as DeviceView;
    expect(device.subscription).toBe(BAD_FILTER);
    expect(device.health.input_problems).toBe(1);
    expect(device.health.last_error).toMatch(/^PAYLOAD_JSON_INVALID: /);
    expect(device.health.state).toBe('payload_errors');
    expect(device.health.last_payload_error).toMatch(/^PAYLOAD_JSON_INVALID: /);
    expect(device.health.last_payload_error_ms).toBeGreaterThanOrEqual(startedMs);
  });

  it('includes them in the device list', async () => {
    const response = await fetch(`${api.url}/api/v1/devices`);
    const devices = (await response.json()) as DeviceView[];
    expect(devices.map((device) => device.id)).toEqual(['room-2', 'room-3']);
    expect(response.headers.get('x-total-count')).toBe('2');
  });

  it('shows them in status', async () => {
    const text = formatStatus(await fetchStatus(api.url));
    expect(text).toMatch(
      /room-2\s+room-2\s+mqtt\s+discovered sim\/rooms\/\+\/state\s+payload_errors\s.*FIELD_MISSING: /,
    );
    expect(text).toMatch(
      /room-3\s+room-3\s+mqtt\s+discovered sim\/rooms\/\+\/state\s+payload_errors\s.*PAYLOAD_JSON_INVALID: /,
    );
  });

  it('switches to up on a valid reading', async () => {
    const payload = { seq: 2, ts: Date.now(), temp_c: 3.4, rh_pct: 84, door_open: false, battery_pct: 90 };
    await client.publishAsync('sim/rooms/room-3/state', JSON.stringify(payload), { qos: 1 });
    await until(async () => ((await (await getDevice('room-3')).json()) as DeviceView).health.readings === 1);
    const device = (await (await getDevice('room-3')).json()) as DeviceView;
    expect(device.health.state).toBe('up');
    expect(device.health.last_payload_error).toMatch(/^PAYLOAD_JSON_INVALID: /);
    expect(device.latest[0]?.fields.air_temp_c).toBe(3.4);
  });

  it('explains a device that is not listed', async () => {
    const response = await getDevice('room-9');
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('is not configured and not among the discovered devices');
  });
});

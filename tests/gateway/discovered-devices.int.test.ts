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

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, createApiFixture, roomReading, truckReading } from './api-fixture.js';

describe('fleet routes', () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await createApiFixture();
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('lists every configured device', async () => {
    const response = await fixture.app.inject({ method: 'GET', url: '/api/v1/devices' });
    expect(response.statusCode).toBe(200);
    expect(response.json().map((device: { id: string }) => device.id)).toEqual(['room-1', 'truck-1', 'ctrl-1']);
  });

  it('reports unknown health before any reading', async () => {
    const response = await fixture.app.inject({ method: 'GET', url: '/api/v1/devices/room-1' });
    expect(response.json().health.state).toBe('unknown');
  });

  it('shows the newest reading of a device', async () => {
    const now = Date.now();
    fixture.publish(roomReading(now - 2000, 3.5));
    fixture.publish(roomReading(now - 1000, 4.25));
    const device = (await fixture.app.inject({ method: 'GET', url: '/api/v1/devices/room-1' })).json();
    expect(device.health.state).toBe('up');
    expect(device.health.readings).toBe(2);
    expect(device.latest[0].fields.air_temp_c).toBe(4.25);
  });

  it('ignores the alarm about a device', async () => {
    fixture.publish({
      ...roomReading(Date.now(), 0),
      measurement: 'alarm',
      fields: { level: 'critical', message: 'device room-1 sent no data for 906 s' },
    });
    const device = (await fixture.app.inject({ method: 'GET', url: '/api/v1/devices/room-1' })).json();
    expect(device.health.state).toBe('unknown');
    expect(device.health.readings).toBe(0);
    expect(device.latest).toEqual([]);
  });

  it('keeps the newer reading when an older one arrives late', async () => {
    const now = Date.now();
    fixture.publish(roomReading(now, 5));
    fixture.publish(roomReading(now - 60_000, 1));
    const device = (await fixture.app.inject({ method: 'GET', url: '/api/v1/devices/room-1' })).json();
    expect(device.latest[0].fields.air_temp_c).toBe(5);
  });

  it('marks a device down from its input state', async () => {
    fixture.bus.emit('device_state', {
      device_id: 'ctrl-1',
      up: false,
      consecutive_failures: 3,
      last_error: 'MODBUS_TIMEOUT',
    });
    const device = (await fixture.app.inject({ method: 'GET', url: '/api/v1/devices/ctrl-1' })).json();
    expect(device.health.state).toBe('down');
    expect(device.health.consecutive_failures).toBe(3);
    expect(device.health.last_error).toBe('MODBUS_TIMEOUT');
  });

  it('returns the envelope for an unknown device', async () => {
    const response = await fixture.app.inject({ method: 'GET', url: '/api/v1/devices/room-9' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('API_DEVICE_NOT_FOUND');
    expect(response.json().error.message).toContain('room-9');
  });

  it('derives door open state of a room', async () => {
    fixture.publish(roomReading(Date.now(), 6, true));
    const asset = (await fixture.app.inject({ method: 'GET', url: '/api/v1/assets/room-1' })).json();
    expect(asset.state).toBe('door_open');
  });

  it('shows every compartment temperature of a truck', async () => {
    const now = Date.now();
    fixture.publish(truckReading(now, 'front', -18.5));
    fixture.publish(truckReading(now, 'rear', 3.2));
    const asset = (await fixture.app.inject({ method: 'GET', url: '/api/v1/assets/truck-1' })).json();
    expect(asset.state).toBe('cooling');
    expect(asset.temperatures.map((entry: { label: string; value_c: number }) => [entry.label, entry.value_c])).toEqual(
      [
        ['front', -18.5],
        ['rear', 3.2],
      ],
    );
  });

  it('times a temperature by its own reading', async () => {
    const now = Date.now();
    fixture.publish(roomReading(now - 5_000, 4.5));
    // A newer reading without the air temperature, as when the probe faulted.
    fixture.publish({ ...roomReading(now, 4.5, true), fields: { door_open: true } });
    const asset = (await fixture.app.inject({ method: 'GET', url: '/api/v1/assets/room-1' })).json();
    expect(asset.temperatures).toEqual([expect.objectContaining({ value_c: 4.5, time_ms: now - 5_000 })]);
  });

  it('shows offline for an asset without readings', async () => {
    const asset = (await fixture.app.inject({ method: 'GET', url: '/api/v1/assets/ctrl-1' })).json();
    expect(asset.state).toBe('offline');
  });

  it('takes the worst open alarm level', async () => {
    fixture.alarms.raise({
      id: 'a1',
      site: 'north-hub',
      asset: 'room-1',
      level: 'warning',
      kind: 'high_temp',
      message: '9 °C',
      raised_ms: 1,
    });
    fixture.alarms.raise({
      id: 'a2',
      site: 'north-hub',
      asset: 'room-1',
      level: 'critical',
      kind: 'high_temp',
      message: '12 °C',
      raised_ms: 2,
    });
    const asset = (await fixture.app.inject({ method: 'GET', url: '/api/v1/assets/room-1' })).json();
    expect(asset.alarm_level).toBe('critical');
    expect(asset.open_alarms).toBe(2);
  });

  it('ignores closed alarms in the level', async () => {
    fixture.alarms.raise({
      id: 'a1',
      site: 'north-hub',
      asset: 'room-1',
      level: 'critical',
      kind: 'high_temp',
      message: '12 °C',
      raised_ms: 1,
    });
    fixture.alarms.close('a1', { who: 'li' }, 'moved stock');
    const asset = (await fixture.app.inject({ method: 'GET', url: '/api/v1/assets/room-1' })).json();
    expect(asset.alarm_level).toBe('none');
  });

  it('groups assets by site', async () => {
    const sites = (await fixture.app.inject({ method: 'GET', url: '/api/v1/sites' })).json();
    expect(sites.map((site: { site: string }) => site.site)).toEqual(['north-hub']);
    expect(sites[0].assets.map((asset: { asset: string }) => asset.asset)).toEqual(['ctrl-1', 'room-1', 'truck-1']);
  });

  it('returns the envelope for an unknown asset', async () => {
    const response = await fixture.app.inject({ method: 'GET', url: '/api/v1/assets/nowhere' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('API_ASSET_NOT_FOUND');
  });
});

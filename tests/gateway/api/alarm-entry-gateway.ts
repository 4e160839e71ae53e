/**
 * A gateway whose `alarms.assets` watch parts of assets: truck-1's front and rear compartments, and the
 * north zone of room-2 (device room-2-north of the two devices of room-2). The HTTP API and dashboard
 * listen on a free port of 127.0.0.1.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { validateConfig } from '../../../gateway/config/load.js';
import { Gateway } from '../../../gateway/gateway.js';
import type { Reading } from '../../../gateway/reading.js';
import { freePort } from '../../harness/free-port.js';
import { TRUCK_COMPARTMENT_ASSETS, truckReading } from './api-fixture.js';

export interface AlarmEntryGateway {
  gateway: Gateway;
  url: string;
  stop(): Promise<void>;
}

/** `alarms.assets` entry of the north zone of room-2, which only device room-2-north feeds. */
const ZONE_ASSET = {
  id: 'room-2/north',
  class: 'chilled',
  kind: 'room_zone',
  match: { asset: 'room-2', device: 'room-2-north' },
};

export function zoneReading(time_ms: number, device: string, air_temp_c: number): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 'north-hub', asset: 'room-2', device },
    fields: { air_temp_c },
    integer_fields: new Set(),
    time_ms,
    time_source: 'source',
  };
}

/**
 * Emits 25 minutes of readings up to now, one every 30 s: the front compartment at −5 °C, which raises
 * the frozen class's warning and critical alarms of truck-1/front, the rear at 4 °C, room-2-north at
 * 3 °C and room-2-south at 12 °C.
 */
export function emitAlarmEntryReadings(gateway: Gateway): void {
  const from = Date.now() - 25 * 60_000;
  for (let i = 0; i <= 50; i++) {
    const time_ms = from + i * 30_000;
    gateway.bus.emit('reading', truckReading(time_ms, 'front', -5));
    gateway.bus.emit('reading', truckReading(time_ms, 'rear', 4));
    gateway.bus.emit('reading', zoneReading(time_ms, 'room-2-north', 3));
    gateway.bus.emit('reading', zoneReading(time_ms, 'room-2-south', 12));
  }
}

/** `http_auth` is the config's `http.auth` section. Default none, so the API has no login. */
export async function startAlarmEntryGateway(http_auth?: Record<string, unknown>): Promise<AlarmEntryGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'coldpool-alarm-entry-'));
  const room = { protocol: 'mqtt', profile: 'coldpool-room-celsius', asset: 'room-2' };
  const resolved = validateConfig({
    version: 1,
    site: 'north-hub',
    mqtt: { broker: { enabled: false } },
    http: {
      enabled: true,
      host: '127.0.0.1',
      port: await freePort(),
      ...(http_auth !== undefined ? { auth: http_auth } : {}),
    },
    devices: [
      { id: 'truck-1', protocol: 'mqtt', topic: 'trucks/1', profile: 'coldpool-reefer' },
      { id: 'room-2-north', topic: 'rooms/2/north', ...room },
      { id: 'room-2-south', topic: 'rooms/2/south', ...room },
    ],
    outputs: { local_store: { enabled: true, path: join(dir, 'store.db') } },
    alarms: { store_path: join(dir, 'records.db'), assets: [...TRUCK_COMPARTMENT_ASSETS, ZONE_ASSET] },
  });
  const gateway = new Gateway(resolved, pino({ level: 'silent' }));
  await gateway.start();
  const url = gateway.apiUrl();
  if (url === undefined) throw new Error('the alarm-entry gateway started without its HTTP API');
  return {
    gateway,
    url,
    async stop() {
      await gateway.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

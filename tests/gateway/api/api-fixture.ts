/** Builds an API server over a real bus, a real in-memory SQLite store and in-process services. */
import type { FastifyInstance } from 'fastify';
import type { ChartProfile } from '../../../gateway/api/history/chart-groups.js';
import type { HistorySource } from '../../../gateway/api/history/history-source.js';
import { LocalStoreHistory } from '../../../gateway/api/history/local-store-history.js';
import { type ApiServerOptions, createApiServer } from '../../../gateway/api/server.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { EventBus } from '../../../gateway/events.js';
import { LocalStore } from '../../../gateway/outputs/local-store.js';
import type { Reading } from '../../../gateway/reading.js';
import { createStats } from '../../../gateway/stats.js';
import { AlarmReports, MemoryAlarms, MemoryCapacity, MemoryPlans, NIGHT_SCENARIO } from './memory-services.js';

export interface ApiFixture {
  app: FastifyInstance;
  bus: EventBus;
  store: LocalStore;
  alarms: MemoryAlarms;
  plans: MemoryPlans;
  capacity: MemoryCapacity;
  /** Emits the reading on the bus, as the pipeline does, and stores it, as the local-store output does. */
  publish(reading: Reading): void;
  close(): Promise<void>;
}

const CONFIG = {
  version: 1,
  site: 'north-hub',
  mqtt: { broker: { enabled: false } },
  devices: [
    { id: 'room-1', protocol: 'mqtt', topic: 'rooms/1', profile: 'coldpool-room-celsius' },
    { id: 'truck-1', protocol: 'mqtt', topic: 'trucks/1', profile: 'coldpool-reefer' },
    { id: 'ctrl-1', protocol: 'modbus_tcp', host: '127.0.0.1', port: 1502, profile: 'generic-tenths-c' },
  ],
  outputs: { local_store: { enabled: false } },
};

/** Alarm profiles of the chart: room-1 chilled, and truck-1 with a frozen front and a chilled rear. */
const PROFILES: ChartProfile[] = [
  { id: 'room-1', match: { asset: 'room-1' }, low_c: 0, high_c: 8 },
  { id: 'truck-1/front', match: { asset: 'truck-1', compartment: 'front' }, low_c: null, high_c: -18 },
  { id: 'truck-1/rear', match: { asset: 'truck-1', compartment: 'rear' }, low_c: 2, high_c: 8 },
];

/** `alarms.assets` entries of truck-1's compartments: front frozen, rear chilled. */
export const TRUCK_COMPARTMENT_ASSETS = [
  {
    id: 'truck-1/front',
    class: 'frozen',
    kind: 'truck_compartment',
    match: { asset: 'truck-1', compartment: 'front' },
  },
  { id: 'truck-1/rear', class: 'chilled', kind: 'truck_compartment', match: { asset: 'truck-1', compartment: 'rear' } },
];

export function roomReading(time_ms: number, air_temp_c: number, door_open = false): Reading {
  return {
    measurement: 'cold_room',
    tags: { site: 'north-hub', asset: 'room-1', device: 'room-1' },
    fields: { air_temp_c, door_open },
    integer_fields: new Set(),
    time_ms,
    time_source: 'source',
  };
}

export function truckReading(time_ms: number, compartment: string, box_temp_c: number): Reading {
  return {
    measurement: 'reefer',
    tags: { site: 'north-hub', asset: 'truck-1', device: 'truck-1', compartment },
    fields: { box_temp_c, unit_on: true, door_open: false },
    integer_fields: new Set(),
    time_ms,
    time_source: 'source',
  };
}

/** Builds the fixture; `history` replaces the default history source, the local store of the fixture. */
export async function createApiFixture(options: ApiServerOptions = {}, history?: HistorySource): Promise<ApiFixture> {
  const resolved = validateConfig(CONFIG, 'api-fixture');
  const bus = new EventBus();
  const stats = createStats();
  const store = new LocalStore({ path: ':memory:' });
  const alarms = new MemoryAlarms();
  const plans = new MemoryPlans({ night: NIGHT_SCENARIO });
  const capacity = new MemoryCapacity([
    {
      id: 'offer-1',
      owner: 'North Hub Logistics',
      kind: 'truck',
      reason: 'parked_unit_off',
      asset: 'truck-1',
      temperature_class: 'chilled',
      capacity_kg: 800,
      capacity_m3: 6,
      available_from_ms: Date.UTC(2026, 11, 4, 20),
      available_to_ms: Date.UTC(2026, 11, 5, 6),
    },
  ]);
  bus.on('reading', (reading) => {
    stats.readings += 1;
    const device = reading.tags.device ?? '';
    stats.readings_by_device.set(device, (stats.readings_by_device.get(device) ?? 0) + 1);
  });
  // Counts timestamp collisions as the gateway's bus listener does.
  bus.on('timestamp_collision', (collision) => {
    stats.timestamp_collisions += 1;
    const byDevice = stats.timestamp_collisions_by_device;
    byDevice.set(collision.device_id, (byDevice.get(collision.device_id) ?? 0) + 1);
  });
  const gateway = { bus, stats, resolved, outputStats: () => [{ name: 'local_store', stats: store.stats() }] };
  const app = await createApiServer(
    {
      gateway,
      history: history ?? new LocalStoreHistory(store),
      alarms,
      capacity,
      plans,
      reports: new AlarmReports(alarms),
      profiles: (asset) => PROFILES.filter((profile) => profile.match.asset === asset),
    },
    { dashboard: false, ...options },
  );
  return {
    app,
    bus,
    store,
    alarms,
    plans,
    capacity,
    publish(reading) {
      store.write([reading]);
      bus.emit('reading', reading);
    },
    async close() {
      await app.close();
      store.close();
    },
  };
}

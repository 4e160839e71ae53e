/**
 * A running gateway for the dashboard tests: embedded broker, simulated fleet, the gateway with its
 * local store, and the API server with in-process alarm, plan, capacity and report services.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { type Fleet, startFleet } from '../../firmware-sim/fleet.js';
import type { ChartProfile } from '../../gateway/api/history/chart-groups.js';
import { LocalStoreHistory } from '../../gateway/api/history/local-store-history.js';
import { createApiServer, startApiServer } from '../../gateway/api/server.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../gateway/broker/embedded-broker.js';
import { validateConfig } from '../../gateway/config/load.js';
import { demoConfig } from '../../gateway/demo/demo-config.js';
import { Gateway } from '../../gateway/gateway.js';
import { LocalStore } from '../../gateway/outputs/local-store.js';
import {
  AlarmReports,
  MemoryAlarms,
  MemoryCapacity,
  MemoryPlans,
  NIGHT_SCENARIO,
} from '../gateway/api/memory-services.js';

/** Wildcard subscription filter of the test gateway. Its third level is the device id. */
export const DISCOVERY_FILTER = 'wild/rooms/+/state';

export interface DashboardGateway {
  url: string;
  /** URL of the embedded broker that the gateway and the simulated fleet use. */
  broker_url: string;
  fleet: Fleet;
  gateway: Gateway;
  alarms: MemoryAlarms;
  plans: MemoryPlans;
  stop(): Promise<void>;
}

function roomProfile(asset: string): ChartProfile {
  return { id: asset, match: { asset }, low_c: 0, high_c: 8 };
}

/** Returns the profiles of a simulated truck: its front compartment frozen, its rear compartment chilled. */
function truckProfiles(asset: string): ChartProfile[] {
  return [
    { id: `${asset}/front`, match: { asset, compartment: 'front' }, low_c: null, high_c: -18 },
    { id: `${asset}/rear`, match: { asset, compartment: 'rear' }, low_c: 2, high_c: 8 },
  ];
}

export async function startDashboardGateway(): Promise<DashboardGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'coldpool-dashboard-'));
  const storePath = join(dir, 'store.db');
  const broker: EmbeddedBroker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
  const fleet = await startFleet({ broker_url: broker.url, interval_ms: 500, seed: 7 });
  const config = demoConfig(fleet.devices, { broker_url: broker.url, store_path: storePath, poll_interval_s: 0.5 });
  // A wildcard subscription that no simulated device publishes on, for the tests of discovered devices.
  const subscription = { topic: DISCOVERY_FILTER, device_id_segment: 2, profile: 'coldpool-room-celsius' };
  config.mqtt = { ...(config.mqtt as Record<string, unknown>), subscriptions: [subscription] };
  const gateway = new Gateway(validateConfig(config, 'dashboard-test'), pino({ level: 'silent' }));
  await gateway.start();
  // A second connection to the gateway's SQLite file reads the history the gateway writes (WAL mode).
  const reader = new LocalStore({ path: storePath });
  const alarms = new MemoryAlarms();
  const plans = new MemoryPlans({ night: NIGHT_SCENARIO });
  const app: FastifyInstance = await createApiServer({
    gateway,
    history: new LocalStoreHistory(reader),
    alarms,
    plans,
    capacity: new MemoryCapacity([]),
    reports: new AlarmReports(alarms),
    profiles: (asset) => (asset.startsWith('truck') ? truckProfiles(asset) : [roomProfile(asset)]),
  });
  const url = await startApiServer(app, { port: 0 });
  return {
    url,
    broker_url: broker.url,
    fleet,
    gateway,
    alarms,
    plans,
    async stop() {
      await app.close();
      await fleet.stop();
      await gateway.stop();
      reader.close();
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

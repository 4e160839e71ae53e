/** An API order and a gateway config with planning on the small-county fixture. */
import { join, resolve } from 'node:path';

/** A valid `POST /api/v1/orders` body for the small-county scenario. */
export const API_ORDER = {
  merchant_id: 'm_b',
  pickup_site_id: 'm_b',
  delivery_site_id: 'v3',
  temperature_class: 'frozen',
  weight_kg: 5,
  volume_m3: 0.01,
  pickup_window: { start: '17:00', end: '21:00' },
  delivery_window: { start: '18:00', end: '23:00' },
};

/** Returns a gateway config whose stores are all in `dir`; HTTP port 0 picks a free port. */
export function planningGatewayConfig(dir: string, mqttPort: number, httpPort = 0): Record<string, unknown> {
  return {
    mqtt: { broker: { port: mqttPort }, republish: { enabled: false } },
    http: { enabled: true, port: httpPort },
    planning: {
      enabled: true,
      scenario_file: resolve('tests/fixtures/planning/small-county.yaml'),
      schedules: [{ name: 'replan', cron: '0 0 1 1 *' }],
      store_path: join(dir, 'plans.db'),
    },
    outputs: { local_store: { path: join(dir, 'store.db') } },
    alarms: { store_path: join(dir, 'records.db') },
  };
}

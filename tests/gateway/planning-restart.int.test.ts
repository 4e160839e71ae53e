import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../gateway/api/services.js';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { freePort } from '../harness/free-port.js';

const ORDER = {
  merchant_id: 'm_b',
  pickup_site_id: 'm_b',
  delivery_site_id: 'v3',
  temperature_class: 'frozen',
  weight_kg: 5,
  volume_m3: 0.01,
  pickup_window: { start: '17:00', end: '21:00' },
  delivery_window: { start: '18:00', end: '23:00' },
};

async function startGateway(dir: string): Promise<Gateway> {
  const config = validateConfig({
    mqtt: { broker: { port: await freePort() }, republish: { enabled: false } },
    http: { enabled: true, port: 0 },
    planning: {
      enabled: true,
      scenario_file: 'tests/fixtures/planning/small-county.yaml',
      schedules: [{ name: 'replan', cron: '0 0 1 1 *' }],
      store_path: join(dir, 'plans.db'),
    },
    outputs: { local_store: { path: join(dir, 'store.db') } },
    alarms: { store_path: join(dir, 'records.db') },
  });
  const gateway = new Gateway(config, pino({ level: 'silent' }));
  await gateway.start();
  return gateway;
}

async function listOrders(gateway: Gateway): Promise<Order[]> {
  const response = await fetch(`${gateway.apiUrl()}/api/v1/orders`);
  expect(response.status).toBe(200);
  return (await response.json()) as Order[];
}

describe('api orders across a restart', () => {
  let gateway: Gateway | undefined;

  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
  });

  it('lists and plans an order after restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-orders-'));
    gateway = await startGateway(dir);
    const response = await fetch(`${gateway.apiUrl()}/api/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ORDER),
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as Order;
    await gateway.stop();

    gateway = await startGateway(dir);
    const listed = (await listOrders(gateway)).find((order) => order.id === created.id);
    expect(listed?.submitted_ms).toBe(created.submitted_ms);
    expect(listed?.pickup_window).toEqual({ start: '17:00', end: '21:00' });
    const plan = await gateway.planner!.runRound();
    const planned = plan.routes.flatMap((route) => route.stops.flatMap((stop) => stop.order_ids));
    expect(planned).toContain(created.id);
    expect(statSync(join(dir, 'plans.db')).mode & 0o777).toBe(0o600);
  }, 60_000);
});

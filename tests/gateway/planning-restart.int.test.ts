import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../gateway/api/services.js';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { freePort } from '../harness/free-port.js';
import { API_ORDER, planningGatewayConfig } from './planning-fixture.js';

async function startGateway(dir: string): Promise<Gateway> {
  const gateway = new Gateway(validateConfig(planningGatewayConfig(dir, await freePort())), pino({ level: 'silent' }));
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
      body: JSON.stringify(API_ORDER),
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

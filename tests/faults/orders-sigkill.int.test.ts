import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Order } from '../../gateway/api/services.js';
import { API_ORDER, planningGatewayConfig } from '../gateway/planning-fixture.js';
import { freePort } from '../harness/free-port.js';
import { type GatewayProcess, gatewayProcess } from './support/gateway-process.js';

describe('orders across SIGKILL', () => {
  let gateway: GatewayProcess | undefined;

  afterAll(async () => {
    await gateway?.stop();
  });

  it('keeps an order that got its 201', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-orders-kill-'));
    const httpPort = await freePort();
    gateway = gatewayProcess(dir, planningGatewayConfig(dir, await freePort(), httpPort));
    const base = `http://127.0.0.1:${httpPort}`;
    await gateway.start();
    const response = await fetch(`${base}/api/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(API_ORDER),
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as Order;
    await gateway.kill();

    await gateway.start();
    const orders = (await (await fetch(`${base}/api/v1/orders`)).json()) as Order[];
    expect(orders.map((order) => order.id)).toContain(created.id);
  }, 90_000);
});

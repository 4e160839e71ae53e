import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Order, Plan } from '../../gateway/api/services.js';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { localDate } from '../../gateway/planning/local-time.js';
import { freePort } from '../harness/free-port.js';
import { API_ORDER, planningGatewayConfig } from './planning-fixture.js';

/**
 * Returns a fixed-offset IANA zone in which it is now about noon, so that local midnight, where the plan date
 * changes, is hours away from this test. `Etc/GMT-N` is N hours ahead of UTC.
 */
function zoneNearNoon(): string {
  const hoursAhead = 12 - new Date().getUTCHours();
  if (hoursAhead === 0) return 'Etc/GMT';
  return hoursAhead > 0 ? `Etc/GMT-${hoursAhead}` : `Etc/GMT+${-hoursAhead}`;
}

const zone = zoneNearNoon();

/** Starts a gateway whose planner plans a rolling date in `zone`, with its files in `dir`. */
async function startGateway(dir: string): Promise<Gateway> {
  const config = planningGatewayConfig(dir, await freePort());
  const planning = config.planning as Record<string, unknown>;
  const gateway = new Gateway(
    validateConfig({ ...config, planning: { ...planning, plan_date: 'rolling', time_zone: zone } }),
    pino({ level: 'silent' }),
  );
  await gateway.start();
  return gateway;
}

async function getJson<T>(gateway: Gateway, path: string): Promise<T> {
  const response = await fetch(`${gateway.apiUrl()}${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

describe('api with a rolling plan date', () => {
  let gateway: Gateway | undefined;

  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
  });

  it('shows plan dates in responses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-rolling-api-'));
    gateway = await startGateway(dir);
    const today = localDate(Date.now(), zone);
    const created = await fetch(`${gateway.apiUrl()}/api/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(API_ORDER),
    });
    expect(created.status).toBe(201);
    const order = (await created.json()) as Order;
    expect(order.plan_date).toBe(today);

    const planned = await fetch(`${gateway.apiUrl()}/api/v1/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'small-county' }),
    });
    expect(planned.status).toBe(201);
    const plan = (await planned.json()) as Plan;
    expect(plan.plan_date).toBe(today);
    const orderIds = plan.routes.flatMap((route) => route.stops.flatMap((stop) => stop.order_ids));
    expect(orderIds).toContain(order.id);
    const plans = await getJson<Plan[]>(gateway, '/api/v1/plans');
    expect(plans[0]?.plan_date).toBe(today);
    await gateway.stop();

    gateway = await startGateway(dir);
    const listed = await getJson<Order[]>(gateway, '/api/v1/orders');
    const restored = listed.find((candidate) => candidate.id === order.id);
    expect(restored?.plan_date).toBe(today);
    expect(restored?.status).toBe('planned');
  }, 60_000);
});

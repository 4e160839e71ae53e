import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../gateway/api/services.js';
import { validateConfig } from '../../gateway/config/load.js';
import { Gateway } from '../../gateway/gateway.js';
import { freePort } from '../harness/free-port.js';
import { sample } from '../harness/prometheus-sample.js';
import { API_ORDER } from './planning-fixture.js';

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Returns the planning, output and alarm settings of a test gateway whose files live in `dir`. */
function planningSettings(dir: string) {
  return {
    planning: {
      enabled: true,
      scenario_file: 'tests/fixtures/planning/small-county.yaml',
      schedules: [{ name: 'replan', cron: '0 0 1 1 *' }],
      store_path: join(dir, 'plans.db'),
    },
    outputs: { local_store: { path: join(dir, 'store.db') } },
    alarms: { store_path: join(dir, 'records.db') },
  };
}

describe('gateway planning', () => {
  let gateway: Gateway;
  let client: MqttClient;
  let published: Plan | undefined;
  let mqttPort: number;

  beforeAll(async () => {
    mqttPort = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-planning-'));
    const config = validateConfig({
      mqtt: { broker: { port: mqttPort }, republish: { enabled: false } },
      http: { enabled: true, port: 0 },
      ...planningSettings(dir),
    });
    gateway = new Gateway(config, pino({ level: 'silent' }));
    await gateway.start();
    client = await connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: 'planning-test' });
    client.on('message', (_topic, payload) => {
      published = JSON.parse(payload.toString()) as Plan;
    });
    await client.subscribeAsync('coldpool/plans/latest', { qos: 1 });
  }, 30_000);

  afterAll(async () => {
    await client?.endAsync();
    await gateway?.stop();
  });

  it('plans an order received over mqtt', async () => {
    const order = {
      order_id: 'sale-1',
      merchant_id: 'm_a',
      pickup: { site_id: 'm_a', lat: 27.31, lon: 111.71 },
      delivery: { site_id: 'new-village', lat: 27.34, lon: 111.66 },
      temperature_class: 'chilled',
      kg: 8,
      m3: 0.02,
      window: { from: '2026-12-05T18:00:00Z', to: '2026-12-05T22:00:00Z' },
    };
    await client.publishAsync('coldpool/orders/in', JSON.stringify(order), { qos: 1 });
    await until(() => gateway.planner?.counters.orders_received === 1);
    const plan = await gateway.planner!.runRound();
    const planned = plan.routes.flatMap((route) => route.stops.flatMap((stop) => stop.order_ids));
    expect(planned).toContain('sale-1');
    expect(planned).toContain('o1');
    expect(plan.unserved).toEqual([]);
  });

  it('publishes the plan retained', async () => {
    await until(() => published !== undefined);
    expect(published?.scenario).toBe('small-county');
    expect(published?.comparison.pooled.trips).toBeGreaterThan(0);
  });

  it('serves the plan and the baseline over http', async () => {
    const response = await fetch(`${gateway.apiUrl()}/api/v1/plans/latest`);
    expect(response.status).toBe(200);
    const plan = (await response.json()) as Plan;
    expect(plan.comparison.baseline.km).toBeGreaterThan(0);
  });

  it('rejects an unknown scenario name', async () => {
    const response = await fetch(`${gateway.apiUrl()}/api/v1/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'noon' }),
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('API_REQUEST_REJECTED');
    expect(body.error.message).toBe('unknown scenario "noon"; this gateway plans "small-county"');
  });

  it('counts an unreadable order message', async () => {
    await client.publishAsync('coldpool/orders/in', '{"order_id":1}', { qos: 1 });
    await until(() => gateway.planner?.counters.orders_invalid === 1);
    expect(gateway.planner?.counters.orders_received).toBe(1);
  });

  it('serves the order counters at /metrics', async () => {
    const text = await (await fetch(`${gateway.apiUrl()}/metrics`)).text();
    expect(sample(text, 'coldpool_planning_orders_received_total')).toBe(1);
    expect(sample(text, 'coldpool_planning_orders_invalid_total')).toBe(1);
    expect(sample(text, 'coldpool_planning_orders_dropped_total')).toBe(0);
    expect(sample(text, 'coldpool_planning_rounds_total')).toBe(1);
  });

  it('accepts an order through the api', async () => {
    const response = await fetch(`${gateway.apiUrl()}/api/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(API_ORDER),
    });
    expect(response.status).toBeLessThan(300);
    expect(gateway.planner?.scenario().orders).toHaveLength(4);
  });

  it('rejects a delivery before pickup', async () => {
    const order = {
      ...API_ORDER,
      pickup_window: { start: '17:30', end: '21:30' },
      delivery_window: { start: '10:00', end: '11:00' },
    };
    const response = await fetch(`${gateway.apiUrl()}/api/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('API_REQUEST_REJECTED');
    expect(body.error.message).toContain(
      'delivery_window: delivery window 10:00-11:00 ends before the pickup window 17:30-21:30 opens',
    );
    expect(body.error.message).toContain(
      'end the delivery window at 17:30 or later, or open the pickup window by 11:00',
    );
    expect(gateway.planner?.scenario().orders).toHaveLength(4);
  });
});

describe('gateway planning over payload limit', () => {
  let gateway: Gateway;
  const lines: Array<{ msg: string; size_bytes?: number; limit_bytes?: number }> = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-planning-'));
    const config = validateConfig({
      mqtt: { broker: { port: await freePort(), max_payload_bytes: 1024 }, republish: { enabled: false } },
      ...planningSettings(dir),
    });
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    gateway = new Gateway(config, log);
    await gateway.start();
  }, 30_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  it('stores plans it cannot publish', async () => {
    const first = await gateway.planner!.runRound();
    const second = await gateway.planner!.runRound();
    expect(gateway.planner?.list().map((plan) => plan.id)).toEqual(expect.arrayContaining([first.id, second.id]));
    const warnings = lines.filter((line) => line.msg.startsWith('plan not published'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.limit_bytes).toBe(1024);
    expect(warnings[0]?.size_bytes).toBeGreaterThan(1024);
    expect(warnings[0]?.msg).toContain('mqtt.broker.max_payload_bytes');
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { PlanningCapacity } from '../../../gateway/planning/capacity-service.js';
import { Planner } from '../../../gateway/planning/planner.js';
import { planningConfigSchema } from '../../../gateway/planning/planning-config.js';
import type { Reading } from '../../../gateway/reading.js';
import { API_ORDER } from '../planning-fixture.js';

/** 18:00 UTC on the fixture's plan date, inside truck-1's shift. */
const evening = Date.UTC(2026, 11, 5, 18, 0);

function reefer(asset: string, speed: number, unitOn: boolean, extra: Reading['fields'] = {}): Reading {
  return {
    measurement: 'reefer',
    tags: { site: 's', asset, device: asset, compartment: 'rear' },
    fields: { speed_kmh: speed, unit_on: unitOn, box_temp_c: 3, ...extra },
    integer_fields: new Set(),
    time_ms: evening - 60_000,
    time_source: 'source',
  };
}

describe('planning capacity', () => {
  let planner: Planner | undefined;

  afterEach(async () => {
    await planner?.stop();
  });

  function setup(now = evening, storePath = join(mkdtempSync(join(tmpdir(), 'coldpool-capacity-')), 'plans.db')) {
    const config = planningConfigSchema.parse({
      enabled: true,
      scenario_file: 'tests/fixtures/planning/small-county.yaml',
      schedules: [],
      store_path: storePath,
    });
    planner = new Planner(config, { log: pino({ level: 'silent' }), now: () => now });
    return new PlanningCapacity(planner, () => now);
  }

  it('offers a parked truck with its unit off', () => {
    const capacity = setup();
    capacity.observe(reefer('truck-1', 0, false));
    const offers = capacity.offers();
    expect(offers.map((offer) => offer.asset)).toContain('truck-1');
    expect(offers.every((offer) => offer.kind === 'truck')).toBe(true);
    expect(offers.every((offer) => offer.reason === 'parked_unit_off')).toBe(true);
  });

  // The shipped reefer payloads carry no load, so a truck on a delivery run looks the same as an empty one.
  it('skips moving truck without load', () => {
    const capacity = setup();
    capacity.observe(reefer('truck-1', 30, true));
    expect(capacity.offers()).toEqual([]);
  });

  it('skips parked truck with unit on', () => {
    const capacity = setup();
    capacity.observe(reefer('truck-1', 0, true));
    expect(capacity.offers()).toEqual([]);
  });

  it('offers moving truck with empty load', () => {
    const capacity = setup();
    capacity.observe(reefer('truck-1', 30, true, { load_kg: 5 }));
    const offers = capacity.offers();
    expect(offers.length).toBeGreaterThan(0);
    expect(offers.every((offer) => offer.reason === 'running_empty')).toBe(true);
  });

  it('skips loaded moving truck', () => {
    const capacity = setup();
    capacity.observe(reefer('truck-1', 30, true, { load_kg: 400 }));
    expect(capacity.offers()).toEqual([]);
  });

  it('offers nothing outside the shift', () => {
    const noon = Date.UTC(2026, 11, 5, 12, 0);
    const capacity = setup(noon);
    capacity.observe({ ...reefer('truck-2', 0, false), time_ms: noon - 60_000 });
    expect(capacity.offers()).toEqual([]);
  });

  it('ignores trucks outside the scenario', () => {
    const capacity = setup();
    capacity.observe(reefer('truck-99', 0, false));
    expect(capacity.offers()).toEqual([]);
  });

  it('names both times of a reversed window', () => {
    const capacity = setup();
    const order = {
      merchant_id: 'm_b',
      pickup_site_id: 'm_b',
      delivery_site_id: 'v3',
      temperature_class: 'frozen' as const,
      weight_kg: 5,
      volume_m3: 0.01,
      pickup_window: { start: '21:30', end: '17:30' },
      delivery_window: { start: '18:00', end: '23:00' },
    };
    let message = '';
    try {
      capacity.submit(order);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('pickup_window: window start 21:30 is after its end 17:30');
    expect(message).not.toContain('order_id');
  });

  it('marks a scenario order delivered', () => {
    const capacity = setup();
    const order = capacity.markDelivered('o1', 'driver-3');
    expect(order.status).toBe('delivered');
    expect(order.delivered_ms).toBe(evening);
    expect(order.delivered_by).toBe('driver-3');
    expect(capacity.orders().find((candidate) => candidate.id === 'o1')?.status).toBe('delivered');
  });

  it('leaves delivered orders out of rounds', () => {
    setup();
    planner?.markDelivered('o1', 'driver-3');
    expect(planner?.scenario().orders.map((order) => order.id)).toEqual(['o2']);
    expect(planner?.allOrders().map((order) => order.id)).toEqual(['o1', 'o2']);
  });

  it('keeps the first delivery report', () => {
    const capacity = setup();
    capacity.markDelivered('o1', 'driver-3');
    const again = capacity.markDelivered('o1', 'driver-4');
    expect(again.delivered_by).toBe('driver-3');
  });

  it('rejects delivery of an unknown order', () => {
    const capacity = setup();
    expect(() => capacity.markDelivered('o9', 'driver-3')).toThrow(
      /order "o9" is not an order of plan date 2026-12-05/,
    );
  });

  it('keeps deliveries across a restart', async () => {
    const storePath = join(mkdtempSync(join(tmpdir(), 'coldpool-capacity-')), 'plans.db');
    const capacity = setup(evening, storePath);
    const submitted = capacity.submit({ ...API_ORDER, temperature_class: 'frozen' });
    capacity.markDelivered(submitted.id, 'driver-3');
    capacity.markDelivered('o2', 'driver-4');
    await planner?.stop();

    const restarted = setup(evening + 60_000, storePath);
    const statuses = new Map(restarted.orders().map((order) => [order.id, order.status]));
    expect(statuses.get(submitted.id)).toBe('delivered');
    expect(statuses.get('o2')).toBe('delivered');
    expect(statuses.get('o1')).toBe('open');
    expect(planner?.scenario().orders.map((order) => order.id)).toEqual(['o1']);
  });

  it('offers an overnight shift after midnight', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coldpool-capacity-'));
    const scenarioFile = join(dir, 'overnight.yaml');
    const fixture = readFileSync('tests/fixtures/planning/small-county.yaml', 'utf8');
    const overnight = fixture.replace(
      "shift: { start: '17:00', end: '23:59' }",
      "shift: { start: '20:00', end: '30:00' }",
    );
    expect(overnight).not.toBe(fixture);
    writeFileSync(scenarioFile, overnight);
    const config = planningConfigSchema.parse({
      enabled: true,
      scenario_file: scenarioFile,
      schedules: [],
      store_path: join(dir, 'plans.db'),
      time_zone: 'UTC',
    });
    const night = Date.UTC(2026, 11, 6, 2, 0);
    planner = new Planner(config, { log: pino({ level: 'silent' }), now: () => night });
    const capacity = new PlanningCapacity(planner, () => night);
    capacity.observe({ ...reefer('truck-2', 0, false), time_ms: night - 60_000 });

    const offers = capacity.offers();
    expect(offers.map((offer) => offer.asset)).toEqual(['truck-2']);
    expect(offers[0]?.available_to_ms).toBe(Date.UTC(2026, 11, 6, 4, 0));
  });

  it('logs an order dropped at the bound', () => {
    const lines: string[] = [];
    const config = planningConfigSchema.parse({
      enabled: true,
      scenario_file: 'tests/fixtures/planning/small-county.yaml',
      schedules: [],
      store_path: join(mkdtempSync(join(tmpdir(), 'coldpool-capacity-')), 'plans.db'),
      max_pending_orders: 2,
    });
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    planner = new Planner(config, { log, now: () => evening });
    const capacity = new PlanningCapacity(planner, () => evening);
    const first = capacity.submit({ ...API_ORDER, temperature_class: 'frozen' });
    capacity.submit({ ...API_ORDER, temperature_class: 'frozen' });
    const third = capacity.submit({ ...API_ORDER, temperature_class: 'frozen' });

    expect(planner.counters.orders_dropped).toBe(1);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string).msg).toBe(
      `order ${first.id} dropped to make room for order ${third.id}: planning.max_pending_orders is reached; raise it or report delivered orders`,
    );
  });
});

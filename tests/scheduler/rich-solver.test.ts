import { describe, expect, it } from 'vitest';
import { generateCountyScenario } from '../../bench/county-scenario.js';
import { checkPlan } from '../../scheduler/check/plan-check.js';
import { parseScenario, type Scenario } from '../../scheduler/model/scenario.js';
import { describePlan, type PlanOutput } from '../../scheduler/rich/plan-result.js';
import { buildProblem } from '../../scheduler/rich/problem.js';
import { searchPlan } from '../../scheduler/rich/search.js';
import { order, reeferTruck, smallScenario } from './small-scenario.js';

function solve(scenario: Scenario): PlanOutput {
  const problem = buildProblem(scenario);
  const result = searchPlan(problem, {
    seed: scenario.solver.seed,
    max_iterations: scenario.solver.max_iterations,
    time_limit_ms: 60_000,
  });
  return describePlan(problem, result.solution);
}

function county(orderCount: number): Scenario {
  const input = generateCountyScenario({ order_count: orderCount });
  return parseScenario({ ...input, solver: { seed: 3, max_iterations: 40, time_limit_s: 60 } });
}

describe('rich solver', { timeout: 60_000 }, () => {
  // The county example mixes every constraint; the checker must approve what the solver returns.
  it('returns a checked plan for the county', () => {
    const scenario = county(80);
    const plan = solve(scenario);
    expect(checkPlan(scenario, plan).violations).toEqual([]);
    expect(plan.unserved).toEqual([]);
  });

  // Frozen goods in a chilled compartment would thaw: the checker verifies it, this asserts it directly.
  it('keeps frozen goods in frozen compartments', () => {
    const scenario = county(60);
    const plan = solve(scenario);
    const frozenStops = plan.vehicles.flatMap((vehicle) =>
      vehicle.stops.filter((stop) => stop.temperature_class === 'frozen'),
    );
    expect(frozenStops.length).toBeGreaterThan(0);
    for (const stop of frozenStops) expect(stop.compartment_id).toBe('front');
  });

  // Pickup and delivery of one order on one truck, pickup first: the core pickup-and-delivery rule.
  it('delivers each order after its pickup on one truck', () => {
    const plan = solve(county(60));
    for (const vehicle of plan.vehicles) {
      const seen = new Set<string>();
      for (const stop of vehicle.stops) {
        if (stop.kind === 'pickup') seen.add(stop.order_id);
        else expect(seen.has(stop.order_id)).toBe(true);
      }
    }
  });

  // Operators must be able to rerun a round and get the same plan when the iteration budget binds.
  it('gives the same plan for the same seed', () => {
    const scenario = county(50);
    expect(solve(scenario)).toEqual(solve(scenario));
  });

  // An order for the next day is staged in a cold room zone of its class and delivered there.
  it('stages next-day orders in a cold room', () => {
    const scenario = smallScenario({
      orders: [order('late', { delivery_window: { start: '32:00', end: '36:00' } })],
    });
    const plan = solve(scenario);
    expect(plan.stagings.map((staging) => `${staging.order_id}@${staging.cold_room_id}/${staging.zone_id}`)).toEqual([
      'late@cr/chilled',
    ]);
    const delivery = plan.vehicles.flatMap((vehicle) => vehicle.stops).find((stop) => stop.kind === 'delivery');
    expect(delivery?.site_id).toBe('cr');
    const next = plan.stagings[0]!.next_wave_order;
    expect(`${next.pickup_site_id}→${next.delivery_site_id}`).toBe('cr→v1');
    expect(checkPlan(scenario, plan).violations).toEqual([]);
  });
});

describe('unserved reasons', { timeout: 60_000 }, () => {
  const reasonOf = (scenario: Scenario, id: string) =>
    solve(scenario).unserved.find((entry) => entry.order_id === id)?.reason;

  // No truck runs a frozen compartment, so the frozen order cannot ride anywhere.
  it('reports temperature class', () => {
    const chilledOnly = reeferTruck('t1', {
      compartments: [
        { id: 'box', temperature_class: 'chilled', min_temp_c: 0, max_temp_c: 8, capacity_kg: 800, capacity_m3: 4 },
      ],
    });
    const scenario = smallScenario({ vehicles: [chilledOnly], orders: [order('f', { temperature_class: 'frozen' })] });
    expect(reasonOf(scenario, 'f')).toBe('temperature_class');
  });

  // A scenario without trucks leaves every order to be picked up, whatever its class.
  it('reports no vehicle without trucks', () => {
    const scenario = smallScenario({ vehicles: [], orders: [order('f', { temperature_class: 'frozen' })] });
    expect(reasonOf(scenario, 'f')).toBe('no_vehicle_available');
  });

  // 700 kg of frozen goods exceed the 500 kg frozen compartment of every truck.
  it('reports capacity', () => {
    const scenario = smallScenario({ orders: [order('heavy', { temperature_class: 'frozen', weight_kg: 700 })] });
    expect(reasonOf(scenario, 'heavy')).toBe('capacity');
  });

  // Delivery window closes one minute after the pickup opens, before loading and the drive can end.
  // A delivery window that closes before the pickup opens is rejected at intake instead.
  it('reports time window', () => {
    const scenario = smallScenario({
      orders: [
        order('early', {
          pickup_window: { start: '20:00', end: '21:00' },
          delivery_window: { start: '17:00', end: '20:01' },
        }),
      ],
    });
    expect(reasonOf(scenario, 'early')).toBe('time_window');
  });

  // Each order alone fits the only truck, but both together exceed its chilled compartment.
  it('reports no vehicle available', () => {
    const scenario = smallScenario({
      vehicles: [reeferTruck('t1')],
      orders: [
        order('a', {
          weight_kg: 900,
          pickup_window: { start: '17:00', end: '17:30' },
          delivery_window: { start: '23:00', end: '23:30' },
        }),
        order('b', {
          weight_kg: 900,
          pickup_window: { start: '17:00', end: '17:30' },
          delivery_window: { start: '23:00', end: '23:30' },
        }),
      ],
    });
    const plan = solve(scenario);
    expect(plan.unserved.map((entry) => entry.reason)).toEqual(['no_vehicle_available']);
  });
});

/**
 * Unpooled baseline: each merchant delivers its own orders from its own premises with its own van, for
 * the scenario's orders, with the same sites and carbon factors as the pooled plan. Orders for a later
 * day go out on that day from the premises, loaded up to three hours before their delivery window, so
 * the baseline never stages goods in a shared cold room. Each merchant's routing is solved with the same
 * search.
 */
import type { Order } from '../model/demand.js';
import type { Scenario } from '../model/scenario.js';
import { computeKpis, type PlanKpis } from '../rich/kpis.js';
import { describePlan, type PlanOutput } from '../rich/plan-result.js';
import { buildProblem } from '../rich/problem.js';
import { searchPlan } from '../rich/search.js';

/** One merchant's figures when it delivers alone. */
export interface MerchantAlone {
  merchant_id: string;
  premises_site_id: string;
  orders: number;
  trips: number;
  km: number;
  kg_co2: number;
  cost: number;
}

export interface BaselineResult {
  plan: PlanOutput;
  kpis: PlanKpis;
  merchants: MerchantAlone[];
}

const MINUTES_PER_DAY = 1440;
/** Set-point range of the baseline van's compartment for each class, °C. */
const SET_POINTS_C = {
  frozen: { min: -25, max: -15 },
  chilled: { min: 0, max: 8 },
  ambient: { min: -5, max: 35 },
} as const;
/** How long before its delivery window a later-day order is loaded at the premises, minutes. */
const LOADING_LEAD_MIN = 180;

/**
 * Plans the baseline with at most `iterations` search iterations per merchant, and at most
 * `timeLimitMs` milliseconds of search over all merchants. Each merchant gets an equal share of the
 * time that the merchants before it left. Construction tries every order of every merchant even past
 * that limit, so the baseline never leaves an order out for lack of time, and its time may exceed it.
 */
export function planBaseline(
  scenario: Scenario,
  iterations: number,
  seed: number,
  timeLimitMs: number,
): BaselineResult {
  const byMerchant = new Map<string, Order[]>();
  for (const order of scenario.orders) {
    const list = byMerchant.get(order.merchant_id) ?? [];
    list.push(order);
    byMerchant.set(order.merchant_id, list);
  }
  const merged: PlanOutput = { vehicles: [], unserved: [], stagings: [] };
  const merchants: MerchantAlone[] = [];
  const deadline = performance.now() + timeLimitMs;
  let merchantsLeft = byMerchant.size;
  for (const [merchantId, orders] of [...byMerchant].sort(([a], [b]) => a.localeCompare(b))) {
    const premises = premisesOf(scenario, merchantId, orders);
    const sub = merchantScenario(scenario, merchantId, premises, orders);
    const problem = buildProblem(sub);
    const result = searchPlan(problem, {
      seed,
      max_iterations: iterations,
      time_limit_ms: Math.max(0, deadline - performance.now()) / merchantsLeft,
      complete_construction: true,
    });
    merchantsLeft--;
    const plan = describePlan(problem, result.solution);
    const used = plan.vehicles.filter((vehicle) => vehicle.stops.length > 0);
    merged.vehicles.push(...plan.vehicles);
    merged.unserved.push(...plan.unserved);
    merchants.push({
      merchant_id: merchantId,
      premises_site_id: premises,
      orders: orders.length,
      trips: used.length,
      km: used.reduce((sum, vehicle) => sum + vehicle.cost.km, 0),
      kg_co2: used.reduce((sum, vehicle) => sum + vehicle.cost.kg_co2, 0),
      cost: used.reduce((sum, vehicle) => sum + vehicle.cost.cost, 0),
    });
  }
  return { plan: merged, kpis: computeKpis(scenario, merged), merchants };
}

/** Returns the merchant's own site when a site has its id, else the site most of its orders are picked up at. */
function premisesOf(scenario: Scenario, merchantId: string, orders: Order[]): string {
  if (scenario.sites.some((site) => site.id === merchantId)) return merchantId;
  const counts = new Map<string, number>();
  for (const order of orders) counts.set(order.pickup_site_id, (counts.get(order.pickup_site_id) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}

function merchantScenario(scenario: Scenario, merchantId: string, premises: string, orders: Order[]): Scenario {
  const van = scenario.baseline_vehicle;
  const rewritten = orders.map((order) => {
    const laterDay = order.delivery_window.start >= scenario.wave.end;
    const pickupWindow = laterDay
      ? { start: order.delivery_window.start - LOADING_LEAD_MIN, end: order.delivery_window.end }
      : order.pickup_window;
    return { ...order, pickup_site_id: premises, pickup_window: pickupWindow };
  });
  const days = new Map<number, Order[]>();
  for (const order of rewritten) {
    const day = Math.floor(order.delivery_window.start / MINUTES_PER_DAY);
    days.set(day, [...(days.get(day) ?? []), order]);
  }
  const vehicles: Scenario['vehicles'] = [];
  for (const [day, group] of days) {
    const kg = group.reduce((sum, order) => sum + order.weight_kg, 0);
    const m3 = group.reduce((sum, order) => sum + order.volume_m3, 0);
    const count = Math.ceil(Math.max(kg / van.payload_kg, m3 / van.capacity_m3)) + 1;
    const shift = {
      start: Math.min(...group.map((order) => order.pickup_window.start)),
      end: Math.max(...group.map((order) => order.delivery_window.end)) + 120,
    };
    for (let k = 0; k < count; k++) {
      vehicles.push({
        id: `${merchantId}_van_d${day}_${k + 1}`,
        owner_id: merchantId,
        kind: 'merchant_van',
        start_site_id: premises,
        shift,
        payload_kg: van.payload_kg,
        // NOTE: each class gets the whole van volume, so the baseline never runs out of space by class.
        compartments: (['frozen', 'chilled', 'ambient'] as const).map((temperature) => ({
          id: temperature,
          temperature_class: temperature,
          min_temp_c: SET_POINTS_C[temperature].min,
          max_temp_c: SET_POINTS_C[temperature].max,
          capacity_kg: van.payload_kg,
          capacity_m3: van.capacity_m3,
        })),
        speed_kmh: van.speed_kmh,
        fuel_empty_l_per_100km: van.fuel_empty_l_per_100km,
        fuel_full_l_per_100km: van.fuel_full_l_per_100km,
        reefer_l_per_h: van.reefer_l_per_h,
        fixed_cost: van.fixed_cost,
        cost_per_km: van.cost_per_km,
        cost_per_h: van.cost_per_h,
      });
    }
  }
  const horizon = {
    start: Math.min(...rewritten.map((order) => order.pickup_window.start)),
    end: Math.max(...rewritten.map((order) => order.delivery_window.end)) + 1,
  };
  return {
    ...scenario,
    wave: horizon,
    vehicles,
    orders: rewritten,
    cold_rooms: [],
    previous_plan: [],
    bookings: [],
  };
}

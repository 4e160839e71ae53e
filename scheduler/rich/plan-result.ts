/**
 * Output form of a plan: per truck its kept stops, planned stops with times and loads, and its km,
 * duration, kg CO2 and cost; the unserved orders with reason codes; and the staged orders.
 */
import type { TemperatureClass } from '../model/carbon-factors.js';
import { diagnoseUnserved, type UnservedReason } from './diagnose.js';
import type { KeptStop, Problem } from './problem.js';
import type { RouteCost } from './route.js';
import type { PlanSolution } from './solution.js';
import type { Staging } from './staging.js';

export interface PlannedStop {
  order_id: string;
  kind: 'pickup' | 'delivery';
  site_id: string;
  /**
   * Arrival, service start (after waiting for the stop's window) and departure, minutes since midnight
   * of the plan date.
   */
  arrival_min: number;
  start_min: number;
  departure_min: number;
  compartment_id: string;
  temperature_class: TemperatureClass;
  /** kg on the whole truck after the stop. */
  load_after_kg: number;
}

export interface VehiclePlan {
  vehicle_id: string;
  owner_id: string;
  kind: string;
  locked: boolean;
  /** Stops done or under way before this round, unchanged. */
  kept_stops: KeptStop[];
  stops: PlannedStop[];
  start_site_id: string;
  end_site_id: string;
  departure_min: number;
  return_min: number;
  cost: RouteCost;
  /** km driven with nothing on board. */
  empty_km: number;
  /** Σ payload × km, kg·km: the denominator of the load factor. */
  capacity_kg_km: number;
}

export interface UnservedOrder {
  order_id: string;
  merchant_id: string;
  reason: UnservedReason;
}

export interface PlanOutput {
  vehicles: VehiclePlan[];
  unserved: UnservedOrder[];
  stagings: Staging[];
}

/**
 * Converts a solved plan to its output form, diagnosing each unserved order. Orders in `untried` (those
 * that construction had not reached when the time limit ended it) get the reason `time_limit`.
 */
export function describePlan(problem: Problem, solution: PlanSolution, untried: readonly number[] = []): PlanOutput {
  const cut = new Set(untried);
  const vehicles = solution.routes.map((route): VehiclePlan => {
    const vehicle = route.vehicle;
    const n = route.nodes.length;
    const stops = route.nodes.map((node, k): PlannedStop => {
      const o = node >> 1;
      const order = problem.orders[o]!;
      const compartment = vehicle.source.compartments[solution.compartmentOf[o]!]!;
      const previousService = k >= 1 ? problem.service[route.nodes[k - 1]!]! : 0;
      return {
        order_id: order.id,
        kind: node % 2 === 0 ? 'pickup' : 'delivery',
        site_id: problem.siteIds[problem.nodeSite[node]!]!,
        arrival_min: route.start[k]! + previousService + route.travel(route.site[k]!, route.site[k + 1]!),
        start_min: route.start[k + 1]!,
        departure_min: route.start[k + 1]! + problem.service[node]!,
        compartment_id: compartment.id,
        temperature_class: order.temperature_class,
        load_after_kg: route.totalKg[k + 1]!,
      };
    });
    let emptyKm = 0;
    for (let p = 1; p <= n + 1 && n > 0; p++) {
      if (route.totalKg[p - 1]! <= 1e-9) emptyKm += route.km(route.site[p - 1]!, route.site[p]!);
    }
    // The truck leaves the depot late enough to reach its first stop when that stop's window opens, so
    // the first arrival moves with the departure and the truck does not wait there.
    const firstWait = n > 0 ? Math.max(0, (stops[0]?.start_min ?? 0) - (stops[0]?.arrival_min ?? 0)) : 0;
    if (stops[0]) stops[0].arrival_min += firstWait;
    return {
      vehicle_id: vehicle.source.id,
      owner_id: vehicle.source.owner_id,
      kind: vehicle.source.kind,
      locked: route.locked,
      kept_stops: vehicle.keptStops,
      stops,
      start_site_id: problem.siteIds[vehicle.startSite]!,
      end_site_id: problem.siteIds[vehicle.endSite]!,
      departure_min: route.start[0]! + firstWait,
      return_min: route.start[n + 1]!,
      cost: route.cost,
      empty_km: emptyKm,
      capacity_kg_km: vehicle.source.payload_kg * route.cost.km,
    };
  });
  const unserved = solution.unrouted().map((o) => ({
    order_id: problem.orders[o]!.id,
    merchant_id: problem.orders[o]!.merchant_id,
    reason: cut.has(o) ? ('time_limit' as const) : diagnoseUnserved(problem, o),
  }));
  const served = new Set(vehicles.flatMap((plan) => plan.stops.map((stop) => stop.order_id)));
  return { vehicles, unserved, stagings: problem.stagings.filter((staging) => served.has(staging.order_id)) };
}

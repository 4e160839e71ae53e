/** Key figures of a plan, computed the same way for the pooled plan and the unpooled baseline. */
import type { Scenario } from '../model/scenario.js';
import type { PlanOutput } from './plan-result.js';

export interface PlanKpis {
  /** Trucks or vans that drive at all. */
  trips: number;
  orders_served: number;
  orders_unserved: number;
  km: number;
  /** Σ load × km over Σ payload × km, 0..1. */
  average_load_factor: number;
  /** Share of km driven with nothing on board, 0..1. */
  empty_km_share: number;
  /** Occupied plus staged volume over total cold-room volume during the wave's night, 0..1. */
  cold_room_utilisation: number;
  truck_hours: number;
  kg_co2_transport: number;
  kg_co2_staging: number;
  kg_co2_total: number;
  kg_co2_per_order: number;
  cost: number;
}

/** Computes the key figures of `plan`; `scenario` supplies the cold rooms. */
export function computeKpis(scenario: Scenario, plan: PlanOutput): PlanKpis {
  const used = plan.vehicles.filter((vehicle) => vehicle.stops.length > 0);
  const km = sum(used.map((vehicle) => vehicle.cost.km));
  const kgKm = sum(used.map((vehicle) => vehicle.cost.tonne_km * 1000));
  const capacityKgKm = sum(used.map((vehicle) => vehicle.capacity_kg_km));
  const served = new Set(
    used.flatMap((vehicle) => vehicle.stops.filter((stop) => stop.kind === 'delivery').map((stop) => stop.order_id)),
  );
  const transport = sum(used.map((vehicle) => vehicle.cost.kg_co2));
  const staging = sum(plan.stagings.map((entry) => entry.kg_co2));
  const volume = sum(scenario.cold_rooms.flatMap((room) => room.zones.map((zone) => zone.volume_m3)));
  const occupied = sum(scenario.cold_rooms.flatMap((room) => room.zones.map((zone) => zone.occupied_m3)));
  const staged = sum(plan.stagings.map((entry) => entry.volume_m3));
  return {
    trips: used.length,
    orders_served: served.size,
    orders_unserved: plan.unserved.length,
    km,
    average_load_factor: capacityKgKm > 0 ? kgKm / capacityKgKm : 0,
    empty_km_share: km > 0 ? sum(used.map((vehicle) => vehicle.empty_km)) / km : 0,
    cold_room_utilisation: volume > 0 ? (occupied + staged) / volume : 0,
    truck_hours: sum(used.map((vehicle) => vehicle.cost.duration_min)) / 60,
    kg_co2_transport: transport,
    kg_co2_staging: staging,
    kg_co2_total: transport + staging,
    kg_co2_per_order: served.size > 0 ? (transport + staging) / served.size : 0,
    cost: sum(used.map((vehicle) => vehicle.cost.cost)) + sum(plan.stagings.map((entry) => entry.cost)),
  };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

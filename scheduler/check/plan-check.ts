/**
 * Independent feasibility checker for rich plans. It reads only the scenario and the plan's output
 * form, recomputes distances and times with its own code, and reports every violation of time
 * windows, shifts, route duration, compartment and payload capacity, temperature classes, pickup
 * before delivery on the same truck, kept stops and locked routes.
 */
import type { Scenario } from '../model/scenario.js';
import type { PlanOutput, VehiclePlan } from '../rich/plan-result.js';

export interface PlanCheckReport {
  feasible: boolean;
  violations: string[];
}

const TOLERANCE = 1e-6;

/** Checks `plan` against `scenario`; `violations` is empty when the plan is feasible. */
export function checkPlan(scenario: Scenario, plan: PlanOutput): PlanCheckReport {
  const violations: string[] = [];
  const orders = new Map(scenario.orders.map((order) => [order.id, order]));
  const seen = new Map<string, string>();
  for (const vehiclePlan of plan.vehicles) {
    checkVehicle(scenario, plan, vehiclePlan, violations);
    for (const stop of vehiclePlan.stops) {
      if (stop.kind !== 'delivery') continue;
      if (seen.has(stop.order_id)) violations.push(`order ${stop.order_id} delivered by two trucks`);
      seen.set(stop.order_id, vehiclePlan.vehicle_id);
    }
  }
  const finished = new Set(
    scenario.previous_plan.flatMap((route) =>
      route.stops.filter((stop) => stop.kind === 'delivery' && stop.status !== 'planned').map((stop) => stop.order_id),
    ),
  );
  const unserved = new Set(plan.unserved.map((entry) => entry.order_id));
  for (const id of orders.keys()) {
    const count = (seen.has(id) ? 1 : 0) + (unserved.has(id) ? 1 : 0) + (finished.has(id) ? 1 : 0);
    if (count !== 1) violations.push(`order ${id} is served, unserved or finished ${count} times instead of once`);
  }
  return { feasible: violations.length === 0, violations };
}

function checkVehicle(scenario: Scenario, plan: PlanOutput, route: VehiclePlan, violations: string[]): void {
  const vehicle = scenario.vehicles.find((candidate) => candidate.id === route.vehicle_id);
  if (!vehicle) {
    violations.push(`truck ${route.vehicle_id} not in the scenario`);
    return;
  }
  const where = `truck ${vehicle.id}`;
  const previous = scenario.previous_plan.find((entry) => entry.vehicle_id === vehicle.id);
  const keptExpected = previous?.locked ? [] : (previous?.stops.filter((stop) => stop.status !== 'planned') ?? []);
  if (JSON.stringify(route.kept_stops) !== JSON.stringify(keptExpected)) {
    violations.push(`${where}: completed and current stops were changed`);
  }
  if (previous?.locked) {
    const planned = route.stops.map((stop) => `${stop.order_id}/${stop.kind}`).join(',');
    const expected = previous.stops.map((stop) => `${stop.order_id}/${stop.kind}`).join(',');
    if (planned !== expected) violations.push(`${where}: locked route was changed`);
  }
  if (route.stops.length === 0) return;
  const sites = new Map(scenario.sites.map((site) => [site.id, site]));
  const orders = new Map(scenario.orders.map((order) => [order.id, order]));
  const staged = new Map(plan.stagings.map((staging) => [staging.order_id, staging]));
  const rooms = new Map(scenario.cold_rooms.map((room) => [room.site_id, room]));
  const compartments = new Map(vehicle.compartments.map((compartment) => [compartment.id, compartment]));
  const loadKg = new Map<string, number>();
  const loadM3 = new Map<string, number>();
  const onBoard = new Map<string, string>();
  // Goods picked up in kept stops and not yet delivered ride from the start of the planned part.
  for (const stop of keptExpected) {
    if (stop.kind === 'pickup') onBoard.set(stop.order_id, '?');
    else onBoard.delete(stop.order_id);
  }
  let time = route.departure_min;
  const earliest =
    keptExpected.length > 0 ? Math.max(vehicle.shift.start, scenario.now ?? scenario.wave.start) : vehicle.shift.start;
  if (time < earliest - TOLERANCE) violations.push(`${where}: departs at ${time} before ${earliest}`);
  let position = sites.get(route.start_site_id)!;
  let previousService = 0;
  for (const stop of route.stops) {
    const order = orders.get(stop.order_id);
    const site = sites.get(stop.site_id);
    if (!order || !site) {
      violations.push(`${where}: stop for unknown order ${stop.order_id} or site ${stop.site_id}`);
      return;
    }
    const km = roadKm(position, site, scenario.road_factor);
    const arrival = time + previousService + (km / vehicle.speed_kmh) * 60;
    const isPickup = stop.kind === 'pickup';
    const pinned = isPickup && onBoard.get(order.id) === '?';
    const window = pinned
      ? undefined
      : stopWindow(scenario, order, isPickup, staged.get(order.id)?.cold_room_id, rooms);
    const expectedSite = isPickup
      ? order.pickup_site_id
      : (scenario.cold_rooms.find((room) => room.id === staged.get(order.id)?.cold_room_id)?.site_id ??
        order.delivery_site_id);
    if (!pinned && stop.site_id !== expectedSite)
      violations.push(`${where}: ${stop.kind} of ${order.id} at ${stop.site_id}, expected ${expectedSite}`);
    time = window ? Math.max(arrival, window.start) : arrival;
    if (window && time > window.end + TOLERANCE) {
      violations.push(
        `${where}: ${stop.kind} of ${order.id} starts at ${time.toFixed(1)} after its window end ${window.end}`,
      );
    }
    const compartment = compartments.get(stop.compartment_id);
    if (!compartment) {
      violations.push(`${where}: compartment ${stop.compartment_id} not on the truck`);
      return;
    }
    if (order.temperature_class !== 'ambient' && order.temperature_class !== compartment.temperature_class) {
      violations.push(
        `${where}: ${order.temperature_class} order ${order.id} in ${compartment.temperature_class} compartment ${compartment.id}`,
      );
    }
    const sign = isPickup ? 1 : -1;
    if (isPickup) {
      onBoard.set(order.id, vehicle.id);
    } else {
      if (!onBoard.has(order.id))
        violations.push(`${where}: ${order.id} delivered before it was picked up on this truck`);
      onBoard.delete(order.id);
    }
    loadKg.set(compartment.id, (loadKg.get(compartment.id) ?? 0) + sign * order.weight_kg);
    loadM3.set(compartment.id, (loadM3.get(compartment.id) ?? 0) + sign * order.volume_m3);
    if (loadKg.get(compartment.id)! > compartment.capacity_kg + TOLERANCE)
      violations.push(`${where}: compartment ${compartment.id} over ${compartment.capacity_kg} kg after ${order.id}`);
    if (loadM3.get(compartment.id)! > compartment.capacity_m3 + TOLERANCE)
      violations.push(`${where}: compartment ${compartment.id} over ${compartment.capacity_m3} m³ after ${order.id}`);
    const total = [...loadKg.values()].reduce((sum, kg) => sum + kg, 0);
    if (total > vehicle.payload_kg + TOLERANCE)
      violations.push(`${where}: payload over ${vehicle.payload_kg} kg after ${order.id}`);
    previousService = pinned ? 0 : isPickup ? order.pickup_service_min : order.delivery_service_min;
    position = site;
  }
  for (const id of onBoard.keys()) violations.push(`${where}: order ${id} picked up but never delivered`);
  const end = sites.get(route.end_site_id)!;
  const back = time + previousService + (roadKm(position, end, scenario.road_factor) / vehicle.speed_kmh) * 60;
  if (back > vehicle.shift.end + TOLERANCE)
    violations.push(`${where}: returns at ${back.toFixed(1)} after the shift end ${vehicle.shift.end}`);
  const maxDuration = vehicle.max_route_duration_min;
  if (maxDuration !== undefined && back - route.departure_min > maxDuration + TOLERANCE) {
    violations.push(`${where}: route lasts ${(back - route.departure_min).toFixed(1)} min, above ${maxDuration}`);
  }
}

function stopWindow(
  scenario: Scenario,
  order: Scenario['orders'][number],
  isPickup: boolean,
  stagedRoomId: string | undefined,
  rooms: Map<string, Scenario['cold_rooms'][number]>,
): { start: number; end: number } {
  let window = isPickup ? order.pickup_window : order.delivery_window;
  let siteId = isPickup ? order.pickup_site_id : order.delivery_site_id;
  if (!isPickup && stagedRoomId !== undefined) {
    const room = scenario.cold_rooms.find((candidate) => candidate.id === stagedRoomId)!;
    siteId = room.site_id;
    window = scenario.wave;
  }
  const room = rooms.get(siteId);
  if (room?.off_peak) {
    window = { start: Math.max(window.start, room.off_peak.start), end: Math.min(window.end, room.off_peak.end) };
  }
  return window;
}

/** Road km as great-circle distance (haversine on a sphere of radius 6371.0088 km) times the road factor. */
function roadKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }, roadFactor: number): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6371.0088 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h)) * roadFactor;
}

/**
 * Cheapest feasible insertion of one order (pickup then delivery, same truck) into one route.
 *
 * For a pickup after position i the new service starts are propagated forward one position at a time
 * while the delivery position j advances, so each (i, j) pair costs O(compartments). A pair is feasible
 * when every propagated start meets its due time, the position after the delivery is reached no later
 * than its cached latest start, and the load after every position from i to j plus the order fits the
 * chosen compartment (kg and m³) and the payload. Costs use prefix sums of km and kg·km, and the
 * delay at the end is the delay after the delivery minus the waiting that absorbs it downstream.
 */
import { COST_WEIGHT, type PlanRoute } from './route.js';

/** Where an order goes in a route, and what that changes in the objective. */
export interface Insertion {
  /** Pickup after this position (0 is the start site). */
  i: number;
  /** Delivery after this position of the current route; `j === i` puts the delivery right after the pickup. */
  j: number;
  compartment: number;
  /** Change of kg CO2 + COST_WEIGHT · cost. */
  delta: number;
}

const maxKg = new Float64Array(16);
const maxM3 = new Float64Array(16);

/**
 * Pickup and delivery positions evaluated per route: only the positions with the smallest detour in km
 * are checked in full, in the spirit of granular neighbourhoods, because routes of a pooled sale have
 * many stops at the same sites and the full O(n²) scan would dominate the search.
 */
export const CANDIDATE_POSITIONS = 10;

const detourPickup = new Float64Array(4096);
const detourDelivery = new Float64Array(4096);
const sortBuffer = new Float64Array(4096);

/** Fills `detour[p]` with the km added by visiting `target` between positions p and p+1, and returns the threshold of the best `CANDIDATE_POSITIONS`. */
function detours(route: PlanRoute, target: number, from: number, to: number, detour: Float64Array): number {
  const site = route.site;
  const matrix = route.problem.distanceKm;
  const siteCount = route.problem.siteCount;
  for (let p = from; p <= to; p++) {
    const a = site[p]!;
    const b = site[p + 1]!;
    detour[p] = matrix[a * siteCount + target]! + matrix[target * siteCount + b]! - matrix[a * siteCount + b]!;
  }
  const count = to - from + 1;
  if (count <= CANDIDATE_POSITIONS) return Number.POSITIVE_INFINITY;
  const view = sortBuffer.subarray(0, count);
  view.set(detour.subarray(from, to + 1));
  view.sort();
  return view[CANDIDATE_POSITIONS - 1]! + 1e-9;
}

/**
 * Returns the cheapest feasible insertion of order `o` into `route`, or undefined when none fits.
 * `skip` (optional) returns true to ignore a candidate, which lets recreate blink.
 */
export function bestInsertion(route: PlanRoute, o: number, skip?: () => boolean): Insertion | undefined {
  if (route.locked) return undefined;
  const { problem, vehicle } = route;
  const order = problem.orders[o]!;
  const forced = problem.forcedVehicle[o]!;
  if (forced >= 0 && forced !== vehicle.index) return undefined;
  const candidates = vehicle.compatible[order.temperature_class];
  if (candidates.length === 0) return undefined;
  const source = vehicle.source;
  const w = order.weight_kg;
  const m3 = order.volume_m3;
  const pickup = 2 * o;
  const delivery = pickup + 1;
  const sp = problem.nodeSite[pickup]!;
  const sd = problem.nodeSite[delivery]!;
  const servicePickup = problem.service[pickup]!;
  const serviceDelivery = problem.service[delivery]!;
  const n = route.nodes.length;
  const site = route.site;
  const serviceAt = route.serviceAt;
  const readyAt = route.readyAt;
  const dueAt = route.dueAt;
  const start = route.start;
  const latest = route.latest;
  const matrix = problem.distanceKm;
  const siteCount = problem.siteCount;
  const minutesPerKm = vehicle.minutesPerKm;
  const fuelSlope = (source.fuel_full_l_per_100km - source.fuel_empty_l_per_100km) / 100 / source.payload_kg;
  const fuelBase = source.fuel_empty_l_per_100km / 100;
  const scenario = problem.scenario;
  const diesel = scenario.carbon.diesel_kg_co2_per_l;
  const price = scenario.diesel_price_per_l;
  const reeferPerMin = source.reefer_l_per_h / 60;
  const objectiveOf = (deltaKm: number, deltaKgKm: number, deltaMin: number, extraCost: number) => {
    const litres = fuelBase * deltaKm + fuelSlope * deltaKgKm + reeferPerMin * deltaMin;
    const cost = source.cost_per_km * deltaKm + (source.cost_per_h * deltaMin) / 60 + price * litres + extraCost;
    return diesel * litres + COST_WEIGHT * cost;
  };
  const onboard = problem.onboard[o] === 1;
  const firstI = onboard ? 0 : route.pinnedCount;
  const lastI = onboard ? route.pinnedCount : n;
  let best: Insertion | undefined;
  const pickupThreshold = detours(route, sp, firstI, lastI, detourPickup);
  const deliveryThreshold = detours(route, sd, firstI, n, detourDelivery);
  for (let i = firstI; i <= lastI; i++) {
    if (detourPickup[i]! > pickupThreshold) continue;
    const si = site[i]!;
    const tp = Math.max(
      start[i]! + serviceAt[i]! + matrix[si * siteCount + sp]! * minutesPerKm,
      problem.ready[pickup]!,
    );
    if (tp > problem.due[pickup]! + 1e-9) break;
    const li = route.totalKg[i]!;
    if (li + w > source.payload_kg + 1e-9) continue;
    for (const c of candidates) {
      maxKg[c] = route.loadKg[c]![i]!;
      maxM3[c] = route.loadM3[c]![i]!;
    }
    let maxTotal = li;
    // j === i: delivery right after the pickup.
    {
      const td = Math.max(tp + servicePickup + matrix[sp * siteCount + sd]! * minutesPerKm, problem.ready[delivery]!);
      const next = site[i + 1]!;
      const arrival = td + serviceDelivery + matrix[sd * siteCount + next]! * minutesPerKm;
      const compartment = fittingCompartment(candidates, route, maxKg, maxM3, w, m3);
      if (td <= problem.due[delivery]! + 1e-9 && arrival <= latest[i + 1]! + 1e-9 && compartment >= 0) {
        const deltaKm = route.km(si, sp) + route.km(sp, sd) + route.km(sd, next) - route.km(si, next);
        const deltaKgKm =
          li * (route.km(si, sp) + route.km(sd, next) - route.km(si, next)) + (li + w) * route.km(sp, sd);
        const delay = Math.max(0, Math.max(arrival, readyAt[i + 1]!) - start[i + 1]!);
        const delta = insertionDelta(route, n, deltaKm, deltaKgKm, delay, i + 1, tp, sp, objectiveOf);
        if ((!best || delta < best.delta) && !(skip?.() ?? false)) best = { i, j: i, compartment, delta };
      }
    }
    // j > i: propagate the pickup's delay through positions i+1..j, then place the delivery after j.
    let t = Math.max(tp + servicePickup + matrix[sp * siteCount + site[i + 1]!]! * minutesPerKm, readyAt[i + 1]!);
    for (let j = i + 1; j <= n; j++) {
      if (t > dueAt[j]! + 1e-9 || t > latest[j]! + 1e-9) break;
      for (const c of candidates) {
        if (route.loadKg[c]![j]! > maxKg[c]!) maxKg[c] = route.loadKg[c]![j]!;
        if (route.loadM3[c]![j]! > maxM3[c]!) maxM3[c] = route.loadM3[c]![j]!;
      }
      if (route.totalKg[j]! > maxTotal) maxTotal = route.totalKg[j]!;
      if (maxTotal + w > source.payload_kg + 1e-9) break;
      const compartment = fittingCompartment(candidates, route, maxKg, maxM3, w, m3);
      if (compartment < 0) break;
      const sj = site[j]!;
      const next = site[j + 1]!;
      if (detourDelivery[j]! > deliveryThreshold) {
        t = Math.max(t + serviceAt[j]! + matrix[sj * siteCount + next]! * minutesPerKm, readyAt[j + 1]!);
        continue;
      }
      const td = Math.max(t + serviceAt[j]! + matrix[sj * siteCount + sd]! * minutesPerKm, problem.ready[delivery]!);
      const arrival = td + serviceDelivery + matrix[sd * siteCount + next]! * minutesPerKm;
      if (td <= problem.due[delivery]! + 1e-9 && arrival <= latest[j + 1]! + 1e-9) {
        const lj = route.totalKg[j]!;
        const next1 = site[i + 1]!;
        const deltaKm =
          route.km(si, sp) +
          route.km(sp, next1) -
          route.km(si, next1) +
          route.km(sj, sd) +
          route.km(sd, next) -
          route.km(sj, next);
        const deltaKgKm =
          li * (route.km(si, sp) - route.km(si, next1)) +
          (li + w) * route.km(sp, next1) +
          w * (route.distancePrefix[j]! - route.distancePrefix[i + 1]!) +
          (lj + w) * route.km(sj, sd) +
          lj * (route.km(sd, next) - route.km(sj, next));
        const delay = Math.max(0, Math.max(arrival, readyAt[j + 1]!) - start[j + 1]!);
        const delta = insertionDelta(route, n, deltaKm, deltaKgKm, delay, j + 1, tp, sp, objectiveOf);
        if ((!best || delta < best.delta) && !(skip?.() ?? false)) best = { i, j, compartment, delta };
      }
      t = Math.max(t + serviceAt[j]! + matrix[sj * siteCount + next]! * minutesPerKm, readyAt[j + 1]!);
    }
  }
  return best;
}

/** Objective change from km, kg·km and the delay after the delivery; an unused truck also starts its clock. */
function insertionDelta(
  route: PlanRoute,
  n: number,
  deltaKm: number,
  deltaKgKm: number,
  delayAfterDelivery: number,
  positionAfterDelivery: number,
  pickupStart: number,
  pickupSite: number,
  objectiveOf: (deltaKm: number, deltaKgKm: number, deltaMin: number, extraCost: number) => number,
): number {
  if (n > 0) {
    const endDelay = Math.max(0, delayAfterDelivery - route.waitAfter[positionAfterDelivery]!);
    return objectiveOf(deltaKm, deltaKgKm, endDelay, 0);
  }
  // An unused truck drives nothing today, so its start-to-end arc is not a saving.
  const { vehicle } = route;
  const baseKm = route.km(vehicle.startSite, vehicle.endSite);
  const departure = Math.max(vehicle.departure, pickupStart - route.travel(vehicle.startSite, pickupSite));
  const end = route.start[positionAfterDelivery]! + delayAfterDelivery;
  return objectiveOf(deltaKm + baseKm, deltaKgKm, end - departure, vehicle.source.fixed_cost);
}

function fittingCompartment(
  candidates: number[],
  route: PlanRoute,
  loadKg: Float64Array,
  loadM3: Float64Array,
  w: number,
  m3: number,
): number {
  for (const c of candidates) {
    if (
      loadKg[c]! + w <= route.vehicle.capacityKg[c]! + 1e-9 &&
      loadM3[c]! + m3 <= route.vehicle.capacityM3[c]! + 1e-9
    ) {
      return c;
    }
  }
  return -1;
}

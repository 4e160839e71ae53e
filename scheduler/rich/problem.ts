/**
 * Solver form of a scenario: sites, a distance matrix, and two nodes per order (pickup at `2·o`,
 * delivery at `2·o + 1`) with time windows, plus per-vehicle data. Re-planning state is resolved here:
 * kept stops of started routes become history, goods already on board become pinned pickups at the
 * truck's current site, and locked routes are copied as they are.
 */
import { InvalidInputError } from '../common/errors.js';
import type { TemperatureClass } from '../model/carbon-factors.js';
import type { Order } from '../model/demand.js';
import type { Vehicle } from '../model/fleet.js';
import type { Scenario } from '../model/scenario.js';
import { roadDistanceMatrix } from './geo.js';
import { planStaging, type Staging } from './staging.js';
import { isCompatible, spacePreference } from './temperature.js';

/** A stop kept from an earlier round because it is done or under way. */
export interface KeptStop {
  order_id: string;
  kind: 'pickup' | 'delivery';
  status: 'completed' | 'current' | 'planned';
}

/** Per-vehicle data the solver reads in its inner loops. */
export interface PlanVehicle {
  index: number;
  source: Vehicle;
  startSite: number;
  endSite: number;
  /** Earliest departure from the start site, minutes. */
  departure: number;
  /** Latest return to the end site, minutes: shift end or departure plus the maximum route duration. */
  latestEnd: number;
  minutesPerKm: number;
  compartmentClass: TemperatureClass[];
  capacityKg: number[];
  capacityM3: number[];
  /** Compartments usable by each temperature class, in order of preference. */
  compatible: Record<TemperatureClass, number[]>;
  /** Stops kept from the previous round (history), printed before the planned stops. */
  keptStops: KeptStop[];
  /** Nodes of a locked route in their order; undefined when the route may change. */
  lockedNodes?: number[];
}

export interface Problem {
  scenario: Scenario;
  siteIds: string[];
  siteCount: number;
  distanceKm: Float64Array;
  orders: Order[];
  orderCount: number;
  /** Site, window and service time of each node (pickup `2·o`, delivery `2·o + 1`). */
  nodeSite: Int32Array;
  ready: Float64Array;
  due: Float64Array;
  service: Float64Array;
  /** Vehicle an order must stay on (goods on board or a locked route), or -1. */
  forcedVehicle: Int32Array;
  /** 1 when the order's goods are already on board, so its pickup is pinned to the route start. */
  onboard: Uint8Array;
  /** 1 when the order is part of a locked route, or was fully served before this round. */
  fixed: Uint8Array;
  vehicles: PlanVehicle[];
  stagings: Staging[];
}

/** Builds the solver form; throws `InvalidInputError` for previous routes that contradict themselves. */
export function buildProblem(scenario: Scenario): Problem {
  const siteIds = scenario.sites.map((site) => site.id);
  const siteIndex = new Map(siteIds.map((id, k) => [id, k]));
  const siteCount = siteIds.length;
  const distanceKm = roadDistanceMatrix(scenario.sites, scenario.road_factor);
  const km = (a: string, b: string) => distanceKm[siteIndex.get(a)! * siteCount + siteIndex.get(b)!]!;
  const { orders, stagings } = planStaging(scenario, km);
  const orderCount = orders.length;
  const orderIndex = new Map(orders.map((order, k) => [order.id, k]));
  const nodeSite = new Int32Array(2 * orderCount);
  const ready = new Float64Array(2 * orderCount);
  const due = new Float64Array(2 * orderCount);
  const service = new Float64Array(2 * orderCount);
  const roomWindow = new Map(scenario.cold_rooms.map((room) => [room.site_id, room.off_peak]));
  orders.forEach((order, o) => {
    const pickupWindow = intersect(order.pickup_window, roomWindow.get(order.pickup_site_id));
    const deliveryWindow = intersect(order.delivery_window, roomWindow.get(order.delivery_site_id));
    nodeSite[2 * o] = siteIndex.get(order.pickup_site_id)!;
    nodeSite[2 * o + 1] = siteIndex.get(order.delivery_site_id)!;
    ready[2 * o] = pickupWindow.start;
    due[2 * o] = pickupWindow.end;
    ready[2 * o + 1] = deliveryWindow.start;
    due[2 * o + 1] = deliveryWindow.end;
    service[2 * o] = order.pickup_service_min;
    service[2 * o + 1] = order.delivery_service_min;
  });
  const problem: Problem = {
    scenario,
    siteIds,
    siteCount,
    distanceKm,
    orders,
    orderCount,
    nodeSite,
    ready,
    due,
    service,
    forcedVehicle: new Int32Array(orderCount).fill(-1),
    onboard: new Uint8Array(orderCount),
    fixed: new Uint8Array(orderCount),
    vehicles: [],
    stagings,
  };
  const now = scenario.now ?? scenario.wave.start;
  scenario.vehicles.forEach((vehicle, v) => {
    problem.vehicles.push(buildVehicle(problem, vehicle, v, now, siteIndex, orderIndex));
  });
  return problem;
}

function buildVehicle(
  problem: Problem,
  vehicle: Vehicle,
  v: number,
  now: number,
  siteIndex: Map<string, number>,
  orderIndex: Map<string, number>,
): PlanVehicle {
  const previous = problem.scenario.previous_plan.find((route) => route.vehicle_id === vehicle.id);
  const classes = vehicle.compartments.map((compartment) => compartment.temperature_class);
  const compatibleWith = (goods: TemperatureClass) =>
    classes
      .map((space, c) => ({ space, c }))
      .filter(({ space }) => isCompatible(goods, space))
      .sort((a, b) => spacePreference(a.space) - spacePreference(b.space))
      .map(({ c }) => c);
  let departure = vehicle.shift.start;
  let startSite = siteIndex.get(vehicle.start_site_id)!;
  const keptStops: KeptStop[] = [];
  let lockedNodes: number[] | undefined;
  if (previous?.locked) {
    lockedNodes = previous.stops.map((stop) => {
      const o = orderIndex.get(stop.order_id)!;
      problem.fixed[o] = 1;
      problem.forcedVehicle[o] = v;
      return stop.kind === 'pickup' ? 2 * o : 2 * o + 1;
    });
  } else if (previous) {
    const kept = previous.stops.filter((stop) => stop.status !== 'planned');
    if (previous.stops.slice(0, kept.length).some((stop) => stop.status === 'planned')) {
      throw new InvalidInputError(
        `previous_plan ${vehicle.id}: a planned stop comes before a completed or current one; list stops in route order`,
      );
    }
    keptStops.push(...kept);
    const last = kept.at(-1);
    if (last) {
      departure = Math.max(now, vehicle.shift.start);
      const o = orderIndex.get(last.order_id)!;
      startSite = problem.nodeSite[last.kind === 'pickup' ? 2 * o : 2 * o + 1]!;
    }
    markKeptOrders(problem, vehicle.id, kept, v, startSite, departure, orderIndex);
  }
  const maxDuration = vehicle.max_route_duration_min ?? Number.POSITIVE_INFINITY;
  return {
    index: v,
    source: vehicle,
    startSite,
    endSite: siteIndex.get(vehicle.end_site_id ?? vehicle.start_site_id)!,
    departure,
    latestEnd: Math.min(vehicle.shift.end, departure + maxDuration),
    minutesPerKm: 60 / vehicle.speed_kmh,
    compartmentClass: classes,
    capacityKg: vehicle.compartments.map((compartment) => compartment.capacity_kg),
    capacityM3: vehicle.compartments.map((compartment) => compartment.capacity_m3),
    compatible: {
      frozen: compatibleWith('frozen'),
      chilled: compatibleWith('chilled'),
      ambient: compatibleWith('ambient'),
    },
    keptStops,
    ...(lockedNodes ? { lockedNodes } : {}),
  };
}

/** Marks orders finished before this round as fixed, and orders picked up but not delivered as on board. */
function markKeptOrders(
  problem: Problem,
  vehicleId: string,
  kept: KeptStop[],
  v: number,
  startSite: number,
  departure: number,
  orderIndex: Map<string, number>,
): void {
  for (const stop of kept) {
    const o = orderIndex.get(stop.order_id)!;
    if (stop.kind === 'delivery') {
      if (!kept.some((other) => other.order_id === stop.order_id && other.kind === 'pickup')) {
        throw new InvalidInputError(
          `previous_plan ${vehicleId}: order ${stop.order_id} is delivered before its pickup`,
        );
      }
      problem.fixed[o] = 1;
      problem.onboard[o] = 0;
      continue;
    }
    problem.onboard[o] = 1;
    problem.forcedVehicle[o] = v;
    // The goods are on the truck: the pickup becomes a zero-length stop at the truck's current site.
    problem.nodeSite[2 * o] = startSite;
    problem.ready[2 * o] = departure;
    problem.due[2 * o] = departure;
    problem.service[2 * o] = 0;
  }
}

function intersect(window: { start: number; end: number }, limit: { start: number; end: number } | undefined) {
  if (!limit) return window;
  return { start: Math.max(window.start, limit.start), end: Math.min(window.end, limit.end) };
}

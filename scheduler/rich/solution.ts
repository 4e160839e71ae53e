/**
 * A rich plan in progress: one route per truck, the compartment each order rides in, and the set of
 * unrouted orders. Its objective is kg CO2 + COST_WEIGHT · cost plus a penalty per unrouted order,
 * so serving an order always beats leaving it out when some feasible insertion exists.
 */
import type { Insertion } from './insertion.js';
import type { PlanVehicle, Problem } from './problem.js';
import { PlanRoute } from './route.js';

/** Penalty per unrouted order and unit of priority, in objective units (kg CO2). */
export const UNSERVED_PENALTY = 1000;

export class PlanSolution {
  routes: PlanRoute[];
  compartmentOf: Int32Array;
  /** Route index of each order, or -1 when unrouted. */
  routeOfOrder: Int32Array;

  constructor(
    readonly problem: Problem,
    copyFrom?: PlanSolution,
  ) {
    this.compartmentOf = copyFrom ? copyFrom.compartmentOf.slice() : new Int32Array(problem.orderCount);
    this.routeOfOrder = copyFrom ? copyFrom.routeOfOrder.slice() : new Int32Array(problem.orderCount).fill(-1);
    this.routes = problem.vehicles.map((vehicle, v) => {
      const route = new PlanRoute(problem, vehicle, this.compartmentOf);
      const nodes = copyFrom ? copyFrom.routes[v]!.nodes : (vehicle.lockedNodes ?? []);
      if (nodes.length > 0) {
        route.nodes = nodes.slice();
        route.update();
      }
      return route;
    });
    if (!copyFrom) {
      for (const route of this.routes) {
        for (const node of route.nodes) {
          const o = node >> 1;
          this.routeOfOrder[o] = route.vehicle.index;
          this.compartmentOf[o] = lockedCompartment(problem, route.vehicle, o);
        }
        route.update();
      }
    }
  }

  clone(): PlanSolution {
    return new PlanSolution(this.problem, this);
  }

  /** Orders that may be planned but are on no route. */
  unrouted(): number[] {
    const list: number[] = [];
    for (let o = 0; o < this.problem.orderCount; o++) {
      if (this.routeOfOrder[o] === -1 && this.problem.fixed[o] === 0) list.push(o);
    }
    return list;
  }

  get objective(): number {
    let total = 0;
    for (const route of this.routes) total += route.objective;
    for (const o of this.unrouted()) total += UNSERVED_PENALTY * this.problem.orders[o]!.priority;
    return total;
  }

  /** Applies an insertion computed by `bestInsertion` for order `o` on route `r`. */
  insert(o: number, r: number, insertion: Insertion): void {
    const route = this.routes[r]!;
    this.compartmentOf[o] = insertion.compartment;
    // The delivery goes after position j of the old route, which is index j + 1 once the pickup is in.
    route.nodes.splice(insertion.j, 0, 2 * o + 1);
    route.nodes.splice(insertion.i, 0, 2 * o);
    route.update();
    this.routeOfOrder[o] = r;
  }

  /** Takes order `o` off its route; locked and finished orders are never removed. */
  remove(o: number): void {
    const r = this.routeOfOrder[o]!;
    if (r < 0 || this.problem.fixed[o] === 1) return;
    const route = this.routes[r]!;
    route.nodes = route.nodes.filter((node) => node >> 1 !== o);
    route.update();
    this.routeOfOrder[o] = -1;
  }

  /** Takes several orders off their routes, updating each touched route once. */
  removeMany(orders: number[]): void {
    const touched = new Set<number>();
    const removing = new Set<number>();
    for (const o of orders) {
      const r = this.routeOfOrder[o]!;
      if (r < 0 || this.problem.fixed[o] === 1) continue;
      removing.add(o);
      touched.add(r);
      this.routeOfOrder[o] = -1;
    }
    for (const r of touched) {
      const route = this.routes[r]!;
      route.nodes = route.nodes.filter((node) => !removing.has(node >> 1));
      route.update();
    }
  }
}

/** Compartment of an order on a locked route: the one the previous plan named, else the first compatible one. */
function lockedCompartment(problem: Problem, vehicle: PlanVehicle, o: number): number {
  const order = problem.orders[o]!;
  const previous = problem.scenario.previous_plan.find((route) => route.vehicle_id === vehicle.source.id);
  const named = previous?.stops.find((stop) => stop.order_id === order.id && stop.compartment_id !== undefined);
  const index = vehicle.source.compartments.findIndex((compartment) => compartment.id === named?.compartment_id);
  return index >= 0 ? index : (vehicle.compatible[order.temperature_class][0] ?? 0);
}

/**
 * Independent VRPTW feasibility checker. It shares no code with the solver: it recomputes distances
 * from the input coordinates and replays every route from the depot, so a bug in the solver's cached
 * arrays or moves shows up here as a violation.
 */
import type { VrptwInput } from '../vrptw/instance.js';

/** Outcome of a check: `violations` is empty when the plan is feasible. */
export interface VrptwCheckReport {
  feasible: boolean;
  violations: string[];
  /** Total distance recomputed from the coordinates. */
  distance: number;
  vehicles: number;
}

/** Tolerance on time-window comparisons, absorbing floating-point rounding of summed distances. */
const TIME_TOLERANCE = 1e-6;

/** Checks that `routes` visit every customer once within its window and the vehicle capacity. */
export function checkVrptwPlan(input: VrptwInput, routes: number[][]): VrptwCheckReport {
  const violations: string[] = [];
  const nodes = input.nodes;
  const depot = nodes[0]!;
  const visits = new Array<number>(nodes.length).fill(0);
  let distance = 0;
  let vehicles = 0;
  routes.forEach((route, r) => {
    if (route.length === 0) return;
    vehicles++;
    let time = depot.ready_time;
    let load = 0;
    let previous = depot;
    for (const id of route) {
      const node = nodes[id];
      if (id === 0 || !node) {
        violations.push(`route ${r}: node ${id} is not a customer`);
        return;
      }
      visits[id]!++;
      const leg = Math.sqrt((previous.x - node.x) ** 2 + (previous.y - node.y) ** 2);
      distance += leg;
      const arrival = time + previous.service_time + leg;
      time = Math.max(arrival, node.ready_time);
      if (time > node.due_time + TIME_TOLERANCE) {
        violations.push(`route ${r}: customer ${id} served at ${time.toFixed(3)} after its due time ${node.due_time}`);
      }
      load += node.demand;
      previous = node;
    }
    const back = Math.sqrt((previous.x - depot.x) ** 2 + (previous.y - depot.y) ** 2);
    distance += back;
    if (time + previous.service_time + back > depot.due_time + TIME_TOLERANCE) {
      violations.push(`route ${r}: returns to the depot after the horizon ${depot.due_time}`);
    }
    if (load > input.vehicle_capacity) {
      violations.push(`route ${r}: load ${load} above capacity ${input.vehicle_capacity}`);
    }
  });
  for (let id = 1; id < nodes.length; id++) {
    if (visits[id] !== 1) violations.push(`customer ${id} visited ${visits[id]} times instead of once`);
  }
  return { feasible: violations.length === 0, violations, distance, vehicles };
}

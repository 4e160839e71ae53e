/**
 * Allocation of a shared route's emissions and cost to its orders by tonne-km, as the GLEC Framework
 * and ISO 14083 prescribe for shared transport. Each order's share is its mass times the distance it
 * rode, divided by the same sum over all orders of the route.
 */
import type { Problem } from './problem.js';
import type { PlanSolution } from './solution.js';

/** Share of its route's emissions and cost that one order carries. */
export interface OrderShare {
  kg_co2: number;
  cost: number;
  tonne_km: number;
}

/** Returns each routed order's share of its route's kg CO2 and cost, keyed by order index. */
export function allocateByTonneKm(problem: Problem, solution: PlanSolution): Map<number, OrderShare> {
  const shares = new Map<number, OrderShare>();
  for (const route of solution.routes) {
    const pickupKm = new Map<number, number>();
    const tonneKm = new Map<number, number>();
    route.nodes.forEach((node, k) => {
      const o = node >> 1;
      const km = route.distancePrefix[k + 1]!;
      if (node % 2 === 0) pickupKm.set(o, km);
      else tonneKm.set(o, (problem.orders[o]!.weight_kg / 1000) * (km - (pickupKm.get(o) ?? 0)));
    });
    const total = [...tonneKm.values()].reduce((sum, value) => sum + value, 0);
    for (const [o, value] of tonneKm) {
      // A route whose orders all ride zero km splits its emissions evenly.
      const share = total > 0 ? value / total : 1 / tonneKm.size;
      shares.set(o, { kg_co2: route.cost.kg_co2 * share, cost: route.cost.cost * share, tonne_km: value });
    }
  }
  return shares;
}

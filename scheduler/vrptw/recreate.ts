/**
 * Recreate step: greedy insertion with blinks (SISR). Customers are sorted by one of four keys, then
 * each goes to its cheapest feasible position over all routes, each position being skipped with a
 * small probability so that repeated runs explore different insertions. A customer with no feasible
 * position opens a new route, because the fleet is unlimited.
 */
import type { Random } from '../common/random.js';
import { concatFeasible, middleBuffer } from './concat.js';
import type { Solution } from './solution.js';

/** Probability of skipping a candidate position (SISR's β). */
export const BLINK_RATE = 0.01;

/** Inserts every customer of `removed` into `sol`. */
export function recreateGreedy(sol: Solution, removed: number[], rng: Random): void {
  sortForInsertion(sol, removed, rng);
  const inst = sol.inst;
  const { dist, size } = inst;
  for (const u of removed) {
    let bestCost = dist[u]! + dist[u * size]!;
    let bestRoute = -1;
    let bestPosition = -1;
    middleBuffer[0] = u;
    for (let r = 0; r < sol.routes.length; r++) {
      const route = sol.routes[r]!;
      if (route.totalLoad + inst.demand[u]! > inst.capacity) continue;
      const nodes = route.nodes;
      for (let k = 0; k < nodes.length - 1; k++) {
        const a = nodes[k]!;
        const b = nodes[k + 1]!;
        const cost = dist[a * size + u]! + dist[u * size + b]! - dist[a * size + b]!;
        if (cost >= bestCost) continue;
        if (rng.next() < BLINK_RATE) continue;
        if (!concatFeasible(inst, route, k, middleBuffer, 1, route, k + 1)) continue;
        bestCost = cost;
        bestRoute = r;
        bestPosition = k;
      }
    }
    if (bestRoute < 0) {
      sol.addRoute([u]);
      continue;
    }
    const customers = sol.routes[bestRoute]!.nodes.slice(1, -1);
    customers.splice(bestPosition, 0, u);
    sol.setRoute(bestRoute, customers);
  }
}

/** Sorts by SISR's weighted choice: random (4), largest demand (4), farthest from depot (2), closest (1). */
function sortForInsertion(sol: Solution, customers: number[], rng: Random): void {
  const { demand, dist, ready } = sol.inst;
  const pick = rng.int(11);
  rng.shuffle(customers);
  if (pick < 4) return;
  if (pick < 8) customers.sort((a, b) => demand[b]! - demand[a]!);
  else if (pick < 10) customers.sort((a, b) => dist[b]! - dist[a]!);
  else customers.sort((a, b) => dist[a]! - dist[b]! || ready[a]! - ready[b]!);
}

/**
 * 2-opt* (Potvin and Rousseau 1995): cuts two routes after one arc each and swaps their tails, which
 * keeps every customer's direction of travel, so time windows stay checkable in O(1): each new route is
 * an old prefix joined to an old suffix.
 */
import { concatFeasible, middleBuffer } from '../concat.js';
import type { Solution } from '../solution.js';
import { customersOf, IMPROVEMENT_EPSILON } from './shared.js';

/**
 * Tries the two tail swaps that create the arc u→v or the arc v→u between the routes of `u` and `v`,
 * applies the first that shortens the plan and stays feasible, and returns whether it did.
 */
export function twoOptStar(sol: Solution, u: number, v: number): boolean {
  const r1 = sol.routeOf[u]!;
  const r2 = sol.routeOf[v]!;
  if (r1 === r2) return false;
  return (
    joinTails(sol, r1, sol.positionOf[u]!, r2, sol.positionOf[v]!) ||
    joinTails(sol, r2, sol.positionOf[v]!, r1, sol.positionOf[u]!)
  );
}

/** New routes: route a up to position i then route b from position j, and route b up to j-1 then route a from i+1. */
function joinTails(sol: Solution, ra: number, i: number, rb: number, j: number): boolean {
  const inst = sol.inst;
  const { dist, size } = inst;
  const a = sol.routes[ra]!;
  const b = sol.routes[rb]!;
  const x = a.nodes[i]!;
  const xNext = a.nodes[i + 1]!;
  const y = b.nodes[j]!;
  const yPrev = b.nodes[j - 1]!;
  const delta = dist[x * size + y]! + dist[yPrev * size + xNext]! - dist[x * size + xNext]! - dist[yPrev * size + y]!;
  if (delta > -IMPROVEMENT_EPSILON) return false;
  if (!concatFeasible(inst, a, i, middleBuffer, 0, b, j)) return false;
  if (!concatFeasible(inst, b, j - 1, middleBuffer, 0, a, i + 1)) return false;
  const customersA = customersOf(sol, ra);
  const customersB = customersOf(sol, rb);
  sol.setRoute(ra, [...customersA.slice(0, i), ...customersB.slice(j - 1)]);
  sol.setRoute(rb, [...customersB.slice(0, j - 1), ...customersA.slice(i)]);
  return true;
}

/**
 * Exchange (swap): two customers trade places, in one route or across two. Across routes each route
 * keeps its prefix and suffix, so one O(1) concatenation check per route decides feasibility.
 */
import { concatFeasible, middleBuffer, sequenceFeasible } from '../concat.js';
import type { Solution } from '../solution.js';
import { customersOf, fillSequence, IMPROVEMENT_EPSILON, locatePair, sequenceBuffer } from './shared.js';

/** Applies the swap of `u` and `v` when it shortens the plan and stays feasible; returns whether it did. */
export function exchange(sol: Solution, u: number, v: number): boolean {
  const inst = sol.inst;
  const { dist, size } = inst;
  const { r1, r2, route1, route2, i, j } = locatePair(sol, u, v);
  // Adjacent customers of one route share an arc, so the delta below would not hold; or-opt covers them.
  if (r1 === r2 && Math.abs(i - j) < 2) return false;
  const pu = route1.nodes[i - 1]!;
  const nu = route1.nodes[i + 1]!;
  const pv = route2.nodes[j - 1]!;
  const nv = route2.nodes[j + 1]!;
  const delta =
    dist[pu * size + v]! +
    dist[v * size + nu]! -
    dist[pu * size + u]! -
    dist[u * size + nu]! +
    dist[pv * size + u]! +
    dist[u * size + nv]! -
    dist[pv * size + v]! -
    dist[v * size + nv]!;
  if (delta > -IMPROVEMENT_EPSILON) return false;
  if (r1 !== r2) {
    middleBuffer[0] = v;
    if (!concatFeasible(inst, route1, i - 1, middleBuffer, 1, route1, i + 1)) return false;
    middleBuffer[0] = u;
    if (!concatFeasible(inst, route2, j - 1, middleBuffer, 1, route2, j + 1)) return false;
    const first = customersOf(sol, r1);
    const second = customersOf(sol, r2);
    first[i - 1] = v;
    second[j - 1] = u;
    sol.setRoute(r1, first);
    sol.setRoute(r2, second);
    return true;
  }
  const customers = customersOf(sol, r1);
  customers[i - 1] = v;
  customers[j - 1] = u;
  if (!sequenceFeasible(inst, sequenceBuffer, fillSequence(customers))) return false;
  sol.setRoute(r1, customers);
  return true;
}

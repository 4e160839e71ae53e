/**
 * CROSS exchange (Taillard et al. 1997): swaps a chain of one to three customers after `u` with a chain
 * of one to three customers starting at `v` in another route, so that the neighbour arc u→v appears.
 * Each new route is an old prefix, a short foreign chain and an old suffix, checked in O(chain length).
 */
import { concatFeasible, middleBuffer } from '../concat.js';
import type { Solution } from '../solution.js';
import { customersOf, IMPROVEMENT_EPSILON, locatePair } from './shared.js';

const MAX_CHAIN = 3;

/** Applies the first improving feasible chain swap that makes u→v an arc; returns whether it moved. */
export function crossExchange(sol: Solution, u: number, v: number): boolean {
  const inst = sol.inst;
  const { dist, size } = inst;
  const { r1, r2, route1, route2, i, j } = locatePair(sol, u, v);
  if (r1 === r2) return false;
  const nodes1 = route1.nodes;
  const nodes2 = route2.nodes;
  const pv = nodes2[j - 1]!;
  const first1 = nodes1[i + 1]!;
  for (let length1 = 1; length1 <= MAX_CHAIN && i + length1 <= nodes1.length - 2; length1++) {
    const last1 = nodes1[i + length1]!;
    const after1 = nodes1[i + length1 + 1]!;
    for (let length2 = 1; length2 <= MAX_CHAIN && j + length2 - 1 <= nodes2.length - 2; length2++) {
      const last2 = nodes2[j + length2 - 1]!;
      const after2 = nodes2[j + length2]!;
      const delta =
        dist[u * size + v]! +
        dist[last2 * size + after1]! +
        dist[pv * size + first1]! +
        dist[last1 * size + after2]! -
        dist[u * size + first1]! -
        dist[last1 * size + after1]! -
        dist[pv * size + v]! -
        dist[last2 * size + after2]!;
      if (delta > -IMPROVEMENT_EPSILON) continue;
      for (let k = 0; k < length2; k++) middleBuffer[k] = nodes2[j + k]!;
      if (!concatFeasible(inst, route1, i, middleBuffer, length2, route1, i + length1 + 1)) continue;
      for (let k = 0; k < length1; k++) middleBuffer[k] = nodes1[i + 1 + k]!;
      if (!concatFeasible(inst, route2, j - 1, middleBuffer, length1, route2, j + length2)) continue;
      const chain1 = nodes1.slice(i + 1, i + length1 + 1);
      const chain2 = nodes2.slice(j, j + length2);
      const customers1 = customersOf(sol, r1);
      const customers2 = customersOf(sol, r2);
      customers1.splice(i, length1, ...chain2);
      customers2.splice(j - 1, length2, ...chain1);
      sol.setRoute(r1, customers1);
      sol.setRoute(r2, customers2);
      return true;
    }
  }
  return false;
}

/**
 * Relocate (Savelsbergh 1992): moves one customer to just after or just before a neighbour, in the same
 * route or another one. Between routes the receiving route stays feasible when the customer meets its
 * window after the new predecessor and the successor is reached before its latest start; the giving
 * route only loses a stop, which is still checked because floating-point distances can break the
 * triangle inequality by an ulp.
 */
import { concatFeasible, middleBuffer, sequenceFeasible } from '../concat.js';
import type { Solution } from '../solution.js';
import { customersOf, fillSequence, IMPROVEMENT_EPSILON, locatePair, sequenceBuffer } from './shared.js';

/** Applies the first improving feasible relocation of `u` next to `v`; returns whether it moved. */
export function relocate(sol: Solution, u: number, v: number): boolean {
  const inst = sol.inst;
  const { dist, size } = inst;
  const { r1, r2, route1, route2, i, j } = locatePair(sol, u, v);
  const pu = route1.nodes[i - 1]!;
  const nu = route1.nodes[i + 1]!;
  const removalDelta = dist[pu * size + nu]! - dist[pu * size + u]! - dist[u * size + nu]!;
  for (let side = 0; side < 2; side++) {
    const posA = side === 0 ? j : j - 1;
    const a = route2.nodes[posA]!;
    const b = route2.nodes[posA + 1]!;
    if (a === u || b === u) continue;
    const delta = removalDelta + dist[a * size + u]! + dist[u * size + b]! - dist[a * size + b]!;
    if (delta > -IMPROVEMENT_EPSILON) continue;
    if (r1 !== r2) {
      middleBuffer[0] = u;
      if (!concatFeasible(inst, route2, posA, middleBuffer, 1, route2, posA + 1)) continue;
      if (!concatFeasible(inst, route1, i - 1, middleBuffer, 0, route1, i + 1)) continue;
      const received = customersOf(sol, r2);
      received.splice(posA, 0, u);
      const given = customersOf(sol, r1);
      given.splice(i - 1, 1);
      sol.setRoute(r2, received);
      sol.setRoute(r1, given);
      return true;
    }
    const customers = customersOf(sol, r1);
    customers.splice(i - 1, 1);
    customers.splice(customers.indexOf(a) + 1, 0, u);
    if (!sequenceFeasible(inst, sequenceBuffer, fillSequence(customers))) continue;
    sol.setRoute(r1, customers);
    return true;
  }
  return false;
}

/**
 * Or-opt (Or 1976): moves a chain of two or three consecutive customers, kept in order, to just after
 * a neighbour. Between routes the chain is the only walked part: the receiving route's prefix start
 * time and suffix latest start are cached, so the check costs O(chain length).
 */
import { concatFeasible, middleBuffer, sequenceFeasible } from '../concat.js';
import type { Solution } from '../solution.js';
import { customersOf, fillSequence, IMPROVEMENT_EPSILON, locatePair, sequenceBuffer } from './shared.js';

const MAX_CHAIN = 3;

/** Applies the first improving feasible move of the chain that starts at `u` to after `v`; returns whether it moved. */
export function orOpt(sol: Solution, u: number, v: number): boolean {
  const inst = sol.inst;
  const { dist, size } = inst;
  const { r1, r2, route1, route2, i, j } = locatePair(sol, u, v);
  const pu = route1.nodes[i - 1]!;
  for (let length = 2; length <= MAX_CHAIN; length++) {
    const lastPos = i + length - 1;
    if (lastPos > route1.nodes.length - 2) break;
    // v inside the chain, or the chain already right after v: nothing to move.
    if (r1 === r2 && j >= i - 1 && j <= lastPos) continue;
    const last = route1.nodes[lastPos]!;
    const afterChain = route1.nodes[lastPos + 1]!;
    const nv = route2.nodes[j + 1]!;
    const delta =
      dist[pu * size + afterChain]! -
      dist[pu * size + u]! -
      dist[last * size + afterChain]! +
      dist[v * size + u]! +
      dist[last * size + nv]! -
      dist[v * size + nv]!;
    if (delta > -IMPROVEMENT_EPSILON) continue;
    const chain = route1.nodes.slice(i, lastPos + 1);
    if (r1 !== r2) {
      for (let k = 0; k < length; k++) middleBuffer[k] = chain[k]!;
      if (!concatFeasible(inst, route2, j, middleBuffer, length, route2, j + 1)) continue;
      if (!concatFeasible(inst, route1, i - 1, middleBuffer, 0, route1, lastPos + 1)) continue;
      const received = customersOf(sol, r2);
      received.splice(j, 0, ...chain);
      const given = customersOf(sol, r1);
      given.splice(i - 1, length);
      sol.setRoute(r2, received);
      sol.setRoute(r1, given);
      return true;
    }
    const customers = customersOf(sol, r1);
    customers.splice(i - 1, length);
    customers.splice(customers.indexOf(v) + 1, 0, ...chain);
    if (!sequenceFeasible(inst, sequenceBuffer, fillSequence(customers))) continue;
    sol.setRoute(r1, customers);
    return true;
  }
  return false;
}

/**
 * Local-search descent over the pair moves: every order is tried for relocation, then for an exchange
 * with the orders whose pickups lie nearest to its own on other trucks. First improvement, repeated
 * until no move helps or the deadline passes.
 */
import type { Random } from '../common/random.js';
import { pdPairExchange } from './moves/pd-pair-exchange.js';
import { pdPairRelocate } from './moves/pd-pair-relocate.js';
import type { PlanSolution } from './solution.js';

/** Exchange partners tried per order. */
const EXCHANGE_PARTNERS = 6;

/** Improves `sol` in place; `deadlineMs` is a `performance.now()` value. */
export function pairLocalSearch(sol: PlanSolution, rng: Random, deadlineMs: number): void {
  const { problem } = sol;
  const orders: number[] = [];
  for (let o = 0; o < problem.orderCount; o++) if (problem.fixed[o] === 0) orders.push(o);
  const partners = nearestPartners(sol, orders);
  let improved = true;
  while (improved && performance.now() < deadlineMs) {
    improved = false;
    for (const o of rng.shuffle(orders)) {
      if (performance.now() > deadlineMs) return;
      if (pdPairRelocate(sol, o)) {
        improved = true;
        continue;
      }
      for (const partner of partners.get(o)!) {
        if (pdPairExchange(sol, o, partner)) {
          improved = true;
          break;
        }
      }
    }
  }
}

function nearestPartners(sol: PlanSolution, orders: number[]): Map<number, number[]> {
  const { nodeSite, distanceKm, siteCount } = sol.problem;
  const km = (a: number, b: number) => distanceKm[nodeSite[a]! * siteCount + nodeSite[b]!]!;
  const partners = new Map<number, number[]>();
  for (const o of orders) {
    const ranked = orders
      .filter((other) => other !== o)
      .map((other) => ({ other, d: km(2 * o, 2 * other) + km(2 * o + 1, 2 * other + 1) }))
      .sort((x, y) => x.d - y.d)
      .slice(0, EXCHANGE_PARTNERS)
      .map(({ other }) => other);
    partners.set(o, ranked);
  }
  return partners;
}

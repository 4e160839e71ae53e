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
  // Partners are ranked on first use against the orders in index order, because `orders` is shuffled
  // below and ranking every order up front would cost O(n²) before the first deadline check.
  const byIndex = orders.slice();
  const partners = new Map<number, number[]>();
  let improved = true;
  while (improved && performance.now() < deadlineMs) {
    improved = false;
    for (const o of rng.shuffle(orders)) {
      if (performance.now() > deadlineMs) return;
      if (pdPairRelocate(sol, o)) {
        improved = true;
        continue;
      }
      let ranked = partners.get(o);
      if (!ranked) {
        ranked = nearestPartners(sol, byIndex, o);
        partners.set(o, ranked);
      }
      for (const partner of ranked) {
        if (pdPairExchange(sol, o, partner)) {
          improved = true;
          break;
        }
      }
    }
  }
}

/**
 * Returns the `EXCHANGE_PARTNERS` orders whose pickup and delivery sites are nearest to those of `o`,
 * nearest first, with ties going to the order listed first in `orders`. A bounded insertion keeps it
 * at O(orders) per call.
 */
function nearestPartners(sol: PlanSolution, orders: number[], o: number): number[] {
  const { nodeSite, distanceKm, siteCount } = sol.problem;
  const km = (a: number, b: number) => distanceKm[nodeSite[a]! * siteCount + nodeSite[b]!]!;
  const ranked: number[] = [];
  const distances: number[] = [];
  for (const other of orders) {
    if (other === o) continue;
    const d = km(2 * o, 2 * other) + km(2 * o + 1, 2 * other + 1);
    if (ranked.length < EXCHANGE_PARTNERS) {
      ranked.push(other);
      distances.push(d);
    } else if (d < distances[EXCHANGE_PARTNERS - 1]!) {
      ranked[EXCHANGE_PARTNERS - 1] = other;
      distances[EXCHANGE_PARTNERS - 1] = d;
    } else {
      continue;
    }
    // Move the new entry forward past strictly larger distances only, so that ties keep list order.
    for (let k = ranked.length - 1; k > 0 && distances[k - 1]! > distances[k]!; k--) {
      [ranked[k - 1], ranked[k]] = [ranked[k]!, ranked[k - 1]!];
      [distances[k - 1], distances[k]] = [distances[k]!, distances[k - 1]!];
    }
  }
  return ranked;
}

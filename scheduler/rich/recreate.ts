/**
 * Recreate by regret insertion (Potvin and Rousseau 1993; Ropke and Pisinger 2006): at each step the
 * order whose best insertion is most ahead of its second best (in another route) goes first, because
 * waiting would cost it the most. Each order's best insertion per route is cached and recomputed only
 * for the route that just changed. Greedy recreate instead inserts the orders one after another, each at
 * its cheapest position over all routes, so it evaluates each order once per route. Orders with no
 * feasible insertion stay unrouted.
 */
import type { Random } from '../common/random.js';
import { bestInsertion, type Insertion } from './insertion.js';
import type { PlanSolution } from './solution.js';

/** Probability of skipping a candidate position, so repeated recreates differ (SISR's blinks). */
const BLINK_RATE = 0.02;

/**
 * Inserts `orders` into `sol` by regret-2 when `regret` is true, else greedily in the given order. Once
 * `performance.now()` reaches `deadline`, no further order is tried. Returns the orders that were not
 * tried for that reason; they stay unrouted.
 */
export function recreate(
  sol: PlanSolution,
  orders: number[],
  rng: Random,
  regret: boolean,
  deadline = Number.POSITIVE_INFINITY,
): number[] {
  const blink = () => rng.next() < BLINK_RATE;
  if (!regret) return recreateGreedy(sol, orders, blink, deadline);
  const routeCount = sol.routes.length;
  const pending = new Set(orders);
  const cache = new Map<number, (Insertion | undefined)[]>();
  const refresh = (o: number, r: number) => {
    cache.get(o)![r] = bestInsertion(sol.routes[r]!, o, blink);
  };
  for (const o of orders) {
    cache.set(o, new Array(routeCount));
    for (let r = 0; r < routeCount; r++) refresh(o, r);
  }
  while (pending.size > 0) {
    if (performance.now() >= deadline) return [...pending];
    let chosen = -1;
    let chosenRoute = -1;
    let chosenScore = Number.NEGATIVE_INFINITY;
    for (const o of pending) {
      const options = cache.get(o)!;
      let first = Number.POSITIVE_INFINITY;
      let second = Number.POSITIVE_INFINITY;
      let firstRoute = -1;
      for (let r = 0; r < routeCount; r++) {
        const delta = options[r]?.delta ?? Number.POSITIVE_INFINITY;
        if (delta < first) {
          second = first;
          first = delta;
          firstRoute = r;
        } else if (delta < second) {
          second = delta;
        }
      }
      if (firstRoute < 0) continue;
      // Regret of an order with a single option is large but finite, so such orders go first.
      const score = Math.min(second, 1e6) - first;
      if (score > chosenScore) {
        chosenScore = score;
        chosen = o;
        chosenRoute = firstRoute;
      }
    }
    if (chosen < 0) break;
    sol.insert(chosen, chosenRoute, cache.get(chosen)![chosenRoute]!);
    pending.delete(chosen);
    for (const o of pending) refresh(o, chosenRoute);
  }
  return [];
}

function recreateGreedy(sol: PlanSolution, orders: number[], blink: () => boolean, deadline: number): number[] {
  for (let k = 0; k < orders.length; k++) {
    if (performance.now() >= deadline) return orders.slice(k);
    const o = orders[k]!;
    let best: Insertion | undefined;
    let bestRoute = -1;
    for (let r = 0; r < sol.routes.length; r++) {
      const insertion = bestInsertion(sol.routes[r]!, o, blink);
      if (insertion && (!best || insertion.delta < best.delta)) {
        best = insertion;
        bestRoute = r;
      }
    }
    if (best) sol.insert(o, bestRoute, best);
  }
  return [];
}

/**
 * Recreate by regret insertion (Potvin and Rousseau 1993; Ropke and Pisinger 2006): at each step the
 * order whose best insertion is most ahead of its second best (in another route) goes first, because
 * waiting would cost it the most. Each order's best insertion per route is cached and recomputed only
 * for the route that just changed. Orders with no feasible insertion stay unrouted.
 */
import type { Random } from '../common/random.js';
import { bestInsertion, type Insertion } from './insertion.js';
import type { PlanSolution } from './solution.js';

/** Probability of skipping a candidate position, so repeated recreates differ (SISR's blinks). */
const BLINK_RATE = 0.02;

/** Inserts `orders` into `sol` by regret-2 when `regret` is true, else greedily in the given order. */
export function recreate(sol: PlanSolution, orders: number[], rng: Random, regret: boolean): void {
  const routeCount = sol.routes.length;
  const blink = () => rng.next() < BLINK_RATE;
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
      const score = regret ? Math.min(second, 1e6) - first : -first;
      if (score > chosenScore) {
        chosenScore = score;
        chosen = o;
        chosenRoute = firstRoute;
      }
      if (!regret) break;
    }
    if (chosen < 0) break;
    sol.insert(chosen, chosenRoute, cache.get(chosen)![chosenRoute]!);
    pending.delete(chosen);
    for (const o of pending) refresh(o, chosenRoute);
  }
}

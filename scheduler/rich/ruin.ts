/**
 * Ruin operators of the adaptive large neighbourhood search (Ropke and Pisinger 2006): random removal,
 * related (Shaw) removal of orders whose pickups and deliveries lie close together, and removal of a
 * whole route, which lets the search close a truck and save its reefer and fixed cost.
 */
import type { Random } from '../common/random.js';
import type { PlanSolution } from './solution.js';

export type RuinOperator = (sol: PlanSolution, count: number, rng: Random) => number[];

/** Orders a ruin may take out: routed, not locked and not finished. */
function removable(sol: PlanSolution): number[] {
  const list: number[] = [];
  for (let o = 0; o < sol.problem.orderCount; o++) {
    if (sol.routeOfOrder[o]! >= 0 && sol.problem.fixed[o] === 0) list.push(o);
  }
  return list;
}

/** Removes `count` orders chosen uniformly. */
export function randomRemoval(sol: PlanSolution, count: number, rng: Random): number[] {
  const chosen = rng.shuffle(removable(sol)).slice(0, count);
  sol.removeMany(chosen);
  return chosen;
}

/** Removes a random order and the `count - 1` orders most related to it by pickup and delivery distance. */
export function relatedRemoval(sol: PlanSolution, count: number, rng: Random): number[] {
  const candidates = removable(sol);
  if (candidates.length === 0) return [];
  const { nodeSite, distanceKm, siteCount, ready } = sol.problem;
  const seed = candidates[rng.int(candidates.length)]!;
  const km = (a: number, b: number) => distanceKm[nodeSite[a]! * siteCount + nodeSite[b]!]!;
  const relatedness = (o: number) =>
    km(2 * seed, 2 * o) + km(2 * seed + 1, 2 * o + 1) + 0.1 * Math.abs(ready[2 * seed + 1]! - ready[2 * o + 1]!);
  const chosen = candidates
    .map((o) => ({ o, score: relatedness(o) * (0.8 + 0.4 * rng.next()) }))
    .sort((a, b) => a.score - b.score)
    .slice(0, count)
    .map(({ o }) => o);
  sol.removeMany(chosen);
  return chosen;
}

/** Empties one random non-empty unlocked route, whatever `count` says. */
export function routeRemoval(sol: PlanSolution, _count: number, rng: Random): number[] {
  const used = sol.routes.filter((route) => !route.locked && route.nodes.length > route.pinnedCount);
  if (used.length === 0) return [];
  const route = used[rng.int(used.length)]!;
  const chosen = [...new Set(route.nodes.map((node) => node >> 1))].filter((o) => sol.problem.fixed[o] === 0);
  sol.removeMany(chosen);
  return chosen;
}

export const RUIN_OPERATORS: RuinOperator[] = [randomRemoval, relatedRemoval, routeRemoval];

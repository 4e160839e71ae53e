/**
 * Ruin step of Slack Induction by String Removals (SISR, Christiaens and Vanden Berghe 2020): removes a
 * few strings of consecutive customers from routes near a random seed customer. Removing nearby strings
 * frees a region that recreate can rebuild differently; removing stops never breaks time windows.
 */
import type { Random } from '../common/random.js';
import type { Solution } from './solution.js';

/** Average number of customers removed per ruin (SISR's c̄). */
export const AVERAGE_REMOVED = 15;
/** Longest string removed from one route (SISR's L^max). */
export const MAX_STRING_LENGTH = 10;

/** Removes strings of customers from `sol` and returns the removed customers. */
export function ruinStrings(sol: Solution, rng: Random): number[] {
  const inst = sol.inst;
  const routed = sol.routes.filter((route) => route.size > 0);
  const customerCount = routed.reduce((sum, route) => sum + route.size, 0);
  const averageRouteSize = customerCount / Math.max(1, routed.length);
  const maxString = Math.min(MAX_STRING_LENGTH, averageRouteSize);
  const maxStrings = (4 * AVERAGE_REMOVED) / (1 + maxString) - 1;
  const stringCount = Math.floor(rng.next() * maxStrings) + 1;
  const seed = 1 + rng.int(inst.size - 1);
  const ruinedRoutes = new Set<number>();
  const removed: number[] = [];
  const candidates = [seed, ...inst.neighbours[seed]!];
  for (const c of candidates) {
    if (ruinedRoutes.size >= stringCount) break;
    const r = sol.routeOf[c]!;
    if (r < 0 || ruinedRoutes.has(r)) continue;
    const route = sol.routes[r]!;
    const length = Math.floor(rng.next() * Math.min(route.size, maxString)) + 1;
    const position = sol.positionOf[c]!;
    // The string contains c at a random offset and stays inside the route.
    const lowest = Math.max(1, position - length + 1);
    const highest = Math.min(position, route.size - length + 1);
    const from = lowest + rng.int(highest - lowest + 1);
    const customers = route.nodes.slice(1, -1);
    const cut = customers.splice(from - 1, length);
    for (const node of cut) sol.routeOf[node] = -1;
    removed.push(...cut);
    sol.setRoute(r, customers);
    ruinedRoutes.add(r);
  }
  return removed;
}

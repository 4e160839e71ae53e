/**
 * Pickup-and-delivery pair exchange (Li and Lim 2001): two orders on different trucks swap trucks,
 * each pair going to its cheapest feasible positions in the other route. Both pairs move whole, so
 * precedence and same-truck service hold by construction and `bestInsertion` checks the rest.
 */
import { bestInsertion } from '../insertion.js';
import type { PlanSolution } from '../solution.js';

/** Swaps the trucks of orders `a` and `b` when that lowers the objective; returns whether it did. */
export function pdPairExchange(sol: PlanSolution, a: number, b: number, epsilon = 1e-6): boolean {
  const ra = sol.routeOfOrder[a]!;
  const rb = sol.routeOfOrder[b]!;
  if (ra < 0 || rb < 0 || ra === rb) return false;
  if (sol.problem.fixed[a] === 1 || sol.problem.fixed[b] === 1) return false;
  const routeA = sol.routes[ra]!;
  const routeB = sol.routes[rb]!;
  const before = routeA.objective + routeB.objective;
  const savedA = routeA.nodes.slice();
  const savedB = routeB.nodes.slice();
  const compartmentA = sol.compartmentOf[a]!;
  const compartmentB = sol.compartmentOf[b]!;
  sol.remove(a);
  sol.remove(b);
  const intoB = bestInsertion(routeB, a);
  if (intoB) {
    sol.insert(a, rb, intoB);
    const intoA = bestInsertion(routeA, b);
    if (intoA) {
      sol.insert(b, ra, intoA);
      if (routeA.objective + routeB.objective < before - epsilon) return true;
    }
  }
  // No gain or no room: restore both routes and compartments exactly.
  sol.compartmentOf[a] = compartmentA;
  sol.compartmentOf[b] = compartmentB;
  routeA.nodes = savedA;
  routeB.nodes = savedB;
  routeA.update();
  routeB.update();
  sol.routeOfOrder[a] = ra;
  sol.routeOfOrder[b] = rb;
  return false;
}

/**
 * Pickup-and-delivery pair relocate (Li and Lim 2001; Nanry and Barnes 2000): takes an order's pickup
 * and delivery out together and puts them back at the cheapest feasible positions of any route.
 * Moving the pair as one keeps precedence and same-truck service. Feasibility of the new positions
 * comes from `bestInsertion`'s cached-slack checks. Removing stops never breaks a route, because
 * travel times obey the triangle inequality (great-circle distance times one road factor).
 * The insertion delta is an estimate (it ignores a later departure), so the move is kept only when
 * the recomputed objective of both routes falls, which also rules out cycling.
 */
import { bestInsertion } from '../insertion.js';
import type { PlanSolution } from '../solution.js';

/** Relocates order `o` when that lowers the objective by more than `epsilon`; returns whether it moved. */
export function pdPairRelocate(sol: PlanSolution, o: number, epsilon = 1e-6): boolean {
  const from = sol.routeOfOrder[o]!;
  if (from < 0 || sol.problem.fixed[o] === 1) return false;
  const source = sol.routes[from]!;
  const before = source.objective;
  const savedSource = source.nodes.slice();
  const savedCompartment = sol.compartmentOf[o]!;
  sol.remove(o);
  const removalGain = before - source.objective;
  let bestRoute = -1;
  let best = bestInsertion(source, o);
  if (best) bestRoute = from;
  for (let r = 0; r < sol.routes.length; r++) {
    if (r === from) continue;
    const candidate = bestInsertion(sol.routes[r]!, o);
    if (candidate && (!best || candidate.delta < best.delta)) {
      best = candidate;
      bestRoute = r;
    }
  }
  if (best && best.delta < removalGain - epsilon) {
    const target = sol.routes[bestRoute]!;
    const targetBefore = bestRoute === from ? 0 : target.objective;
    const savedTarget = target.nodes.slice();
    sol.insert(o, bestRoute, best);
    const after = source.objective + (bestRoute === from ? 0 : target.objective);
    if (after < before + targetBefore - epsilon) return true;
    target.nodes = savedTarget;
    target.update();
  }
  // No gain: restore the original route exactly.
  sol.compartmentOf[o] = savedCompartment;
  source.nodes = savedSource;
  source.update();
  sol.routeOfOrder[o] = from;
  return false;
}

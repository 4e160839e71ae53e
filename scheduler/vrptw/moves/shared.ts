/** Helpers shared by the VRPTW moves. */
import type { Route } from '../route.js';
import type { Solution } from '../solution.js';

/** Improvements smaller than this are treated as rounding noise, so the search cannot cycle on them. */
export const IMPROVEMENT_EPSILON = 1e-7;

/** Customers of route `r` as a fresh array, without the depots. */
export function customersOf(sol: Solution, r: number): number[] {
  return sol.routes[r]!.nodes.slice(1, -1);
}

/** Buffer for a full candidate route during intra-route checks. */
export const sequenceBuffer = new Int32Array(2048);

/** Copies `customers` between two depot entries into `sequenceBuffer` and returns the sequence length. */
export function fillSequence(customers: number[]): number {
  sequenceBuffer[0] = 0;
  for (let k = 0; k < customers.length; k++) sequenceBuffer[k + 1] = customers[k]!;
  sequenceBuffer[customers.length + 1] = 0;
  return customers.length + 2;
}

/** Routes and positions of the two customers a move pairs: `u` at position `i` of route `r1`, `v` at `j` of `r2`. */
export interface PairPlace {
  r1: number;
  r2: number;
  route1: Route;
  route2: Route;
  i: number;
  j: number;
}

const scratchPlace = {} as PairPlace;

/**
 * Looks up where `u` and `v` are. Returns one shared object, overwritten by the next call, so the
 * moves allocate nothing in the local search's inner loop; read its fields before calling again.
 */
export function locatePair(sol: Solution, u: number, v: number): PairPlace {
  scratchPlace.r1 = sol.routeOf[u]!;
  scratchPlace.r2 = sol.routeOf[v]!;
  scratchPlace.route1 = sol.routes[scratchPlace.r1]!;
  scratchPlace.route2 = sol.routes[scratchPlace.r2]!;
  scratchPlace.i = sol.positionOf[u]!;
  scratchPlace.j = sol.positionOf[v]!;
  return scratchPlace;
}

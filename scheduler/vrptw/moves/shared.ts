/** Helpers shared by the VRPTW moves. */
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

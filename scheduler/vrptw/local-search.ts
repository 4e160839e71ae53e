/**
 * Local-search driver: first-improvement descent over granular neighbourhoods (Toth and Vigo 2003):
 * each customer is paired only with its nearest neighbours, and every move tries to create an arc
 * between the pair. The descent stops at a local optimum of all five moves.
 */
import type { Random } from '../common/random.js';
import { crossExchange } from './moves/cross-exchange.js';
import { exchange } from './moves/exchange.js';
import { orOpt } from './moves/or-opt.js';
import { relocate } from './moves/relocate.js';
import { twoOptStar } from './moves/two-opt-star.js';
import type { Solution } from './solution.js';

type Move = (sol: Solution, u: number, v: number) => boolean;

const MOVES: Move[] = [relocate, exchange, twoOptStar, orOpt, crossExchange];

/** Improves `sol` in place until no move helps or `deadlineMs` (a `performance.now()` value) passes. */
export function localSearch(sol: Solution, rng: Random, neighbourCount: number, deadlineMs: number): void {
  const order: number[] = [];
  for (let c = 1; c < sol.inst.size; c++) if (sol.routeOf[c]! >= 0) order.push(c);
  let improved = true;
  while (improved) {
    improved = false;
    rng.shuffle(order);
    for (const u of order) {
      if (performance.now() > deadlineMs) break;
      const neighbours = sol.inst.neighbours[u]!;
      const count = Math.min(neighbourCount, neighbours.length);
      for (let k = 0; k < count; k++) {
        const v = neighbours[k]!;
        if (sol.routeOf[v]! < 0) continue;
        for (const move of MOVES) {
          if (move(sol, u, v)) {
            improved = true;
            break;
          }
        }
      }
    }
  }
  sol.removeEmptyRoutes();
}

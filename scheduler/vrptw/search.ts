/**
 * The VRPTW metaheuristic: ruin and recreate (SISR string removal, greedy insertion with blinks) under
 * simulated annealing, with the local-search descent applied to the start solution and to every new
 * best solution. The temperature falls geometrically with the spent share of the budget.
 */
import { Random } from '../common/random.js';
import type { VrptwInstance } from './instance.js';
import { localSearch } from './local-search.js';
import { recreateGreedy } from './recreate.js';
import { ruinStrings } from './ruin.js';
import { Solution } from './solution.js';

/** Options of one search run. */
export interface SearchOptions {
  /** Seed of the random generator. Default 1. */
  seed?: number;
  /** Wall-clock budget in milliseconds, measured from the call. Default 2000. */
  time_limit_ms?: number;
  /**
   * Iteration budget. Default unlimited. When it binds before the time limit, the same seed gives the
   * same plan on any machine. When the time limit binds first, the plan depends on the machine's speed.
   */
  max_iterations?: number;
  /** Annealing temperature at the start, in distance units. Default 10. */
  initial_temperature?: number;
  /** Annealing temperature at the end of the budget, in distance units. Default 0.1. */
  final_temperature?: number;
  /**
   * Absolute end of the budget as `Date.now()` milliseconds, shared by all threads of a parallel run so
   * that worker start-up counts against the limit. Default: none; only `time_limit_ms` applies.
   */
  deadline_epoch_ms?: number;
  /** Neighbours per customer the local search pairs with. Default 20. */
  neighbour_count?: number;
}

/** Result of one search run; routes list customer numbers without the depot. */
export interface SearchResult {
  routes: number[][];
  distance: number;
  iterations: number;
  elapsed_ms: number;
  /** Time at which the returned solution was found, in milliseconds from the start. */
  best_found_ms: number;
  seed: number;
}

/** Runs the search and returns the shortest feasible plan it found. */
export function solveVrptw(inst: VrptwInstance, options: SearchOptions = {}): SearchResult {
  const seed = options.seed ?? 1;
  const remaining =
    options.deadline_epoch_ms === undefined ? Number.POSITIVE_INFINITY : options.deadline_epoch_ms - Date.now();
  const timeLimit = Math.max(1, Math.min(options.time_limit_ms ?? 2000, remaining));
  const maxIterations = options.max_iterations ?? Number.POSITIVE_INFINITY;
  const t0 = options.initial_temperature ?? 10;
  const tf = options.final_temperature ?? 0.1;
  const neighbourCount = options.neighbour_count ?? 20;
  const started = performance.now();
  const deadline = started + timeLimit;
  const rng = new Random(seed);

  let current = new Solution(inst);
  const everyone: number[] = [];
  for (let c = 1; c < inst.size; c++) everyone.push(c);
  recreateGreedy(current, everyone, rng);
  localSearch(current, rng, neighbourCount, deadline);
  let currentCost = current.distance;
  let best = current.clone();
  let bestCost = currentCost;
  let bestFound = performance.now() - started;

  let iterations = 0;
  while (iterations < maxIterations) {
    const now = performance.now();
    if (now >= deadline) break;
    const progress = Math.max((now - started) / timeLimit, iterations / maxIterations);
    const temperature = t0 * (tf / t0) ** progress;
    iterations++;
    const candidate = current.clone();
    const removed = ruinStrings(candidate, rng);
    recreateGreedy(candidate, removed, rng);
    candidate.removeEmptyRoutes();
    let cost = candidate.distance;
    if (cost < bestCost - 1e-9) {
      localSearch(candidate, rng, neighbourCount, deadline);
      cost = candidate.distance;
    }
    if (cost < currentCost - temperature * Math.log(rng.next())) {
      current = candidate;
      currentCost = cost;
      if (cost < bestCost - 1e-9) {
        best = candidate.clone();
        bestCost = cost;
        bestFound = performance.now() - started;
      }
    }
  }
  return {
    routes: best.toRoutes(),
    distance: bestCost,
    iterations,
    elapsed_ms: performance.now() - started,
    best_found_ms: bestFound,
    seed,
  };
}

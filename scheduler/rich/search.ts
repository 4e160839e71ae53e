/**
 * Adaptive large neighbourhood search (Ropke and Pisinger 2006) for the rich problem: each iteration
 * ruins part of the plan with an operator drawn by adaptive weights, recreates it by regret or greedy
 * insertion, and accepts the result by simulated annealing. The pair local search polishes the start
 * plan and, in the last share of the budget, the best plan.
 */
import { Random } from '../common/random.js';
import { pairLocalSearch } from './local-search.js';
import type { Problem } from './problem.js';
import { recreate } from './recreate.js';
import { RUIN_OPERATORS } from './ruin.js';
import { PlanSolution } from './solution.js';

/** Budget and seed of one search. */
export interface PlanSearchOptions {
  /** Seed of the random generator. Default 1. */
  seed?: number;
  /** Iteration budget; when it binds, the same seed gives the same plan. Default 3000. */
  max_iterations?: number;
  /** Wall-clock budget of construction, search and polishing together, milliseconds. Default 8000. */
  time_limit_ms?: number;
  /**
   * Try every order in construction even when that takes longer than the time limit; the search and
   * polishing still stop at it. Default false: construction stops at the time limit.
   */
  complete_construction?: boolean;
}

export interface PlanSearchResult {
  solution: PlanSolution;
  iterations: number;
  /** Milliseconds spent building the first plan, searching, and in total. */
  construction_ms: number;
  search_ms: number;
  elapsed_ms: number;
  /** Whether the iteration budget ran out before the time limit, which makes the plan reproducible. */
  iteration_bound: boolean;
  /** Orders that construction had not tried when the time limit ended it; the search never ran. */
  construction_cut: number[];
}

/** Reaction factor and scores of the adaptive weights (new best, better than current, accepted). */
const REACTION = 0.1;
const SCORE_BEST = 33;
const SCORE_BETTER = 9;
const SCORE_ACCEPTED = 13;
const SEGMENT = 50;
/** Regret insertion rescans every pending order after each insertion, so it is used only for small sets. */
const MAX_REGRET_ORDERS = 25;
/** Share of the time limit one local-search call may take, so that polishing never starves the search. */
const LOCAL_SEARCH_SHARE = 0.1;

/** Runs the search and returns the best plan found. */
export function searchPlan(problem: Problem, options: PlanSearchOptions = {}): PlanSearchResult {
  const started = performance.now();
  const timeLimit = options.time_limit_ms ?? 8000;
  const maxIterations = options.max_iterations ?? 3000;
  const deadline = started + timeLimit;
  // The last share of the budget is kept for polishing the best plan with the pair local search.
  const searchDeadline = started + (1 - LOCAL_SEARCH_SHARE) * timeLimit;
  const rng = new Random(options.seed ?? 1);

  let current = new PlanSolution(problem);
  // Greedy in order of delivery window keeps construction at one insertion scan per order and route.
  const initial = current.unrouted().sort((a, b) => problem.ready[2 * a + 1]! - problem.ready[2 * b + 1]!);
  const constructionDeadline = options.complete_construction ? Number.POSITIVE_INFINITY : deadline;
  const constructionCut = recreate(current, initial, rng, false, constructionDeadline);
  pairLocalSearch(current, rng, Math.min(deadline, performance.now() + LOCAL_SEARCH_SHARE * timeLimit));
  const constructionMs = performance.now() - started;
  let currentObjective = current.objective;
  let best = current.clone();
  let bestObjective = currentObjective;

  const weights = RUIN_OPERATORS.map(() => 1);
  const scores = RUIN_OPERATORS.map(() => 0);
  const uses = RUIN_OPERATORS.map(() => 0);
  const plannable = problem.orderCount - problem.fixed.reduce((sum, flag) => sum + flag, 0);
  const maxRemoved = Math.max(2, Math.min(40, Math.ceil(0.15 * plannable)));
  const startTemperature = 0.005 * Math.max(1, Math.min(currentObjective, 1e5));
  const endTemperature = startTemperature / 100;

  let iterations = 0;
  while (iterations < maxIterations && performance.now() < searchDeadline) {
    const progress = Math.max(iterations / maxIterations, (performance.now() - started) / timeLimit);
    const temperature = startTemperature * (endTemperature / startTemperature) ** progress;
    iterations++;
    const operator = drawWeighted(weights, rng);
    const candidate = current.clone();
    const removed = RUIN_OPERATORS[operator]!(candidate, 2 + rng.int(maxRemoved - 1), rng);
    const toInsert = [...new Set([...removed, ...candidate.unrouted()])];
    const regret = toInsert.length <= MAX_REGRET_ORDERS && rng.next() < 0.5;
    recreate(candidate, rng.shuffle(toInsert), rng, regret, searchDeadline);
    const objective = candidate.objective;
    uses[operator]!++;
    if (objective < currentObjective - temperature * Math.log(rng.next())) {
      scores[operator]! +=
        objective < bestObjective - 1e-9 ? SCORE_BEST : objective < currentObjective ? SCORE_BETTER : SCORE_ACCEPTED;
      current = candidate;
      currentObjective = objective;
      if (objective < bestObjective - 1e-9) {
        best = current.clone();
        bestObjective = currentObjective;
      }
    }
    if (iterations % SEGMENT === 0) updateWeights(weights, scores, uses);
  }
  pairLocalSearch(best, rng, deadline);
  const elapsed = performance.now() - started;
  return {
    solution: best,
    iterations,
    construction_ms: constructionMs,
    search_ms: elapsed - constructionMs,
    elapsed_ms: elapsed,
    iteration_bound: iterations >= maxIterations,
    construction_cut: constructionCut,
  };
}

function drawWeighted(weights: number[], rng: Random): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let pick = rng.next() * total;
  for (let k = 0; k < weights.length; k++) {
    pick -= weights[k]!;
    if (pick <= 0) return k;
  }
  return weights.length - 1;
}

function updateWeights(weights: number[], scores: number[], uses: number[]): void {
  for (let k = 0; k < weights.length; k++) {
    if (uses[k]! > 0) weights[k] = (1 - REACTION) * weights[k]! + (REACTION * scores[k]!) / uses[k]!;
    weights[k] = Math.max(0.05, weights[k]!);
    scores[k] = 0;
    uses[k] = 0;
  }
}

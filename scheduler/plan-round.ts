/**
 * One planning round: solve the pooled plan, check it, plan the unpooled baseline for the orders the
 * pooled plan serves, settle shares between merchants and capacity owners, and assign cold-room space
 * bookings. Orders the pooled plan leaves unserved are left out of the baseline, so both sides of the
 * comparison do the same work.
 */
import { type BaselineResult, planBaseline } from './baseline/unpooled.js';
import { checkPlan, type PlanCheckReport } from './check/plan-check.js';
import type { Scenario } from './model/scenario.js';
import { allocateByTonneKm } from './rich/allocation.js';
import { computeKpis, type PlanKpis } from './rich/kpis.js';
import { describePlan, type PlanOutput } from './rich/plan-result.js';
import { buildProblem } from './rich/problem.js';
import { type PlanSearchResult, searchPlan } from './rich/search.js';
import { type Settlement, settleRound } from './settlement/settle.js';
import { type SpaceSharingResult, shareColdRoomSpace } from './space/bookings.js';

export interface PlanReport {
  scenario_name: string;
  plan: PlanOutput;
  kpis: PlanKpis;
  baseline: BaselineResult;
  settlement: Settlement;
  /** Present when the scenario has space bookings. */
  space?: SpaceSharingResult;
  check: PlanCheckReport;
  /** Plain-language warnings about the round, such as a time limit too short for any search. */
  warnings: string[];
  timings: {
    solve_ms: number;
    baseline_ms: number;
    total_ms: number;
    iterations: number;
    /** True when the iteration budget, not the time limit, ended the search, so the plan is reproducible. */
    iteration_bound: boolean;
  };
}

/** Share of the pooled iteration budget each merchant's baseline search gets; merchants have few orders. */
const BASELINE_ITERATION_SHARE = 0.1;
/**
 * Share of the pooled time limit the baseline's search may take. The pooled construction and search
 * stop at the time limit, and the baseline's search at half of it, so a round takes about 1.5 limits
 * plus the baseline's construction, the output and the checks.
 */
const BASELINE_TIME_SHARE = 0.5;
/**
 * Factor over its search share that the baseline may take before the round warns; problem building
 * and output per merchant also count towards baseline_ms.
 */
const BASELINE_OVERRUN_FACTOR = 1.2;

/** Runs one planning round on a validated scenario. */
export function planRound(scenario: Scenario): PlanReport {
  const started = performance.now();
  const problem = buildProblem(scenario);
  const search = searchPlan(problem, {
    seed: scenario.solver.seed,
    max_iterations: scenario.solver.max_iterations,
    time_limit_ms: scenario.solver.time_limit_s * 1000,
  });
  const plan = describePlan(problem, search.solution, search.construction_cut);
  const solved = performance.now();
  const baselineIterations = Math.max(20, Math.round(scenario.solver.max_iterations * BASELINE_ITERATION_SHARE));
  const served = new Set(
    plan.vehicles.flatMap((vehicle) =>
      vehicle.stops.filter((stop) => stop.kind === 'delivery').map((stop) => stop.order_id),
    ),
  );
  const baseline = planBaseline(
    { ...scenario, orders: scenario.orders.filter((order) => served.has(order.id)) },
    baselineIterations,
    scenario.solver.seed,
    scenario.solver.time_limit_s * 1000 * BASELINE_TIME_SHARE,
  );
  const baselineDone = performance.now();
  const space = scenario.bookings.length > 0 ? shareColdRoomSpace(scenario.cold_rooms, scenario.bookings) : undefined;
  const settlement = settleRound(
    problem,
    plan,
    allocateByTonneKm(problem, search.solution),
    baseline.merchants,
    space?.m3_days_by_room,
  );
  return {
    scenario_name: scenario.name,
    plan,
    kpis: computeKpis(scenario, plan),
    baseline,
    settlement,
    ...(space ? { space } : {}),
    check: checkPlan(scenario, plan),
    warnings: roundWarnings(scenario, search, plan, baselineDone - solved),
    timings: {
      solve_ms: solved - started,
      baseline_ms: baselineDone - solved,
      total_ms: performance.now() - started,
      iterations: search.iterations,
      iteration_bound: search.iteration_bound,
    },
  };
}

function roundWarnings(scenario: Scenario, search: PlanSearchResult, plan: PlanOutput, baselineMs: number): string[] {
  const warnings: string[] = [];
  const limit = scenario.solver.time_limit_s;
  // The polishing local search may still place some orders that construction did not reach.
  const untried = plan.unserved.filter((order) => order.reason === 'time_limit').length;
  if (untried > 0) {
    warnings.push(
      `the time limit of ${limit} s ended construction before ${untried} orders were tried; ` +
        'they are unserved with reason time_limit. Raise the time limit (--time-limit or solver.time_limit_s)',
    );
  }
  if (search.iterations === 0 && scenario.solver.max_iterations > 0) {
    warnings.push(
      `the search ran no improvement iterations within the time limit of ${limit} s, so this is the construction ` +
        'plan only. Raise the time limit (--time-limit or solver.time_limit_s) for a better plan',
    );
  }
  const baselineShareS = limit * BASELINE_TIME_SHARE;
  if (baselineMs > 1000 * baselineShareS * BASELINE_OVERRUN_FACTOR) {
    warnings.push(
      `the unpooled baseline took ${(baselineMs / 1000).toFixed(1)} s, more than its search share of ${baselineShareS} s, ` +
        'because its construction tries every order; baseline_ms counts this time apart from solve_ms',
    );
  }
  return warnings;
}

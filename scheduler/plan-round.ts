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
import { searchPlan } from './rich/search.js';
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
/** Share of the pooled time limit the whole baseline may take, so a round stays within about 1.5 limits. */
const BASELINE_TIME_SHARE = 0.5;

/** Runs one planning round on a validated scenario. */
export function planRound(scenario: Scenario): PlanReport {
  const started = performance.now();
  const problem = buildProblem(scenario);
  const search = searchPlan(problem, {
    seed: scenario.solver.seed,
    max_iterations: scenario.solver.max_iterations,
    time_limit_ms: scenario.solver.time_limit_s * 1000,
  });
  const plan = describePlan(problem, search.solution);
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
    timings: {
      solve_ms: solved - started,
      baseline_ms: baselineDone - solved,
      total_ms: performance.now() - started,
      iterations: search.iterations,
      iteration_bound: search.iteration_bound,
    },
  };
}

import { describe, expect, it } from 'vitest';
import { generateCountyScenario } from '../../bench/county-scenario.js';
import { Random } from '../../scheduler/common/random.js';
import { parseScenario } from '../../scheduler/model/scenario.js';
import { planRound } from '../../scheduler/plan-round.js';
import { formatPlanReport } from '../../scheduler/report/format-plan.js';
import { describePlan } from '../../scheduler/rich/plan-result.js';
import { buildProblem } from '../../scheduler/rich/problem.js';
import { recreate } from '../../scheduler/rich/recreate.js';
import { searchPlan } from '../../scheduler/rich/search.js';
import { PlanSolution } from '../../scheduler/rich/solution.js';

function county(orderCount: number, timeLimitS: number) {
  return parseScenario({
    ...generateCountyScenario({ order_count: orderCount }),
    solver: { seed: 1, max_iterations: 50, time_limit_s: timeLimitS },
  });
}

describe('time limit', { timeout: 60_000 }, () => {
  it('recreate past deadline tries nothing', () => {
    const problem = buildProblem(county(40, 5));
    const solution = new PlanSolution(problem);
    const orders = solution.unrouted();
    const untried = recreate(solution, orders.slice(), new Random(1), false, performance.now() - 1);
    expect(untried).toEqual(orders);
    expect(solution.unrouted()).toEqual(orders);
  });

  it('construction past deadline leaves orders time_limit', () => {
    const problem = buildProblem(county(200, 5));
    const started = performance.now();
    const result = searchPlan(problem, { seed: 1, max_iterations: 50, time_limit_ms: 0 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.iterations).toBe(0);
    expect(result.construction_cut).toHaveLength(problem.orderCount);
    const plan = describePlan(problem, result.solution, result.construction_cut);
    expect(plan.unserved).toHaveLength(problem.orderCount);
    expect(new Set(plan.unserved.map((entry) => entry.reason))).toEqual(new Set(['time_limit']));
  });

  it('round warns when no search ran', () => {
    const report = planRound(county(200, 0.001));
    expect(report.timings.iterations).toBe(0);
    const lines = formatPlanReport(report);
    expect(lines.some((line) => line.startsWith('warning: the search ran no improvement iterations'))).toBe(true);
    expect(lines.some((line) => line.startsWith('warning: the time limit of 0.001 s ended construction'))).toBe(true);
  });

  it('round with enough time has no warning', () => {
    const report = planRound(county(30, 30));
    expect(report.timings.iterations).toBeGreaterThan(0);
    expect(report.warnings).toEqual([]);
  });
});

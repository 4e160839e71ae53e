import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReferenceCsv } from '../../bench/solomon.js';
import { checkVrptwPlan } from '../../scheduler/check/vrptw-check.js';
import { buildInstance } from '../../scheduler/vrptw/instance.js';
import { solveVrptw } from '../../scheduler/vrptw/search.js';
import { parseSolomon } from '../../scheduler/vrptw/solomon-format.js';

const DATA = new URL('../../bench/data/solomon/', import.meta.url);
const readInstance = (name: string) => parseSolomon(readFileSync(new URL(`instances/${name}.txt`, DATA), 'utf8'));
const bestKnown = parseReferenceCsv(readFileSync(new URL('solomon_bks_distance_only_double.csv', DATA), 'utf8'));

describe('vrptw solver', () => {
  // Golden case: C101's optimum is well known, so a regression in moves or checks shows as a gap.
  it('solves c101 within one percent', () => {
    const input = readInstance('C101');
    // An iteration budget, not a time limit, ends the search, so a loaded machine cannot fail the test.
    const result = solveVrptw(buildInstance(input), { seed: 7, time_limit_ms: 60_000, max_iterations: 2000 });
    const report = checkVrptwPlan(input, result.routes);
    expect(report.violations).toEqual([]);
    expect(report.distance).toBeLessThan(bestKnown.get('C101')! * 1.01);
  });

  // Tight windows and many routes: the cached-slack checks are exercised hardest on R1 and RC1.
  it('returns feasible plans on tight windows', () => {
    for (const name of ['R101', 'RC105']) {
      const input = readInstance(name);
      const result = solveVrptw(buildInstance(input), { seed: 3, time_limit_ms: 10_000, max_iterations: 3000 });
      expect(checkVrptwPlan(input, result.routes).violations).toEqual([]);
    }
  });

  // The solver's reported distance must be the checker's, or the benchmark would score a different plan.
  it('reports the checked distance', () => {
    const input = readInstance('R201');
    const result = solveVrptw(buildInstance(input), { seed: 5, time_limit_ms: 10_000, max_iterations: 2000 });
    expect(result.distance).toBeCloseTo(checkVrptwPlan(input, result.routes).distance, 6);
  });

  // Reproducible plans let operators compare runs and let bugs be replayed.
  it('gives the same plan for the same seed', () => {
    const instance = buildInstance(readInstance('RC201'));
    const first = solveVrptw(instance, { seed: 11, time_limit_ms: 60_000, max_iterations: 1500 });
    const second = solveVrptw(instance, { seed: 11, time_limit_ms: 60_000, max_iterations: 1500 });
    expect(second.routes).toEqual(first.routes);
  });
});

describe('vrptw checker', () => {
  // The checker must reject what the solver could get wrong, or its approval means nothing.
  it('rejects a late customer', () => {
    const input = readInstance('C101');
    const everyone = Array.from({ length: input.nodes.length - 1 }, (_, k) => k + 1);
    expect(checkVrptwPlan(input, [everyone]).feasible).toBe(false);
  });

  // A plan that drops a customer would look shorter than it is.
  it('rejects a missing customer', () => {
    const input = readInstance('C101');
    const routes = Array.from({ length: input.nodes.length - 2 }, (_, k) => [k + 1]);
    expect(checkVrptwPlan(input, routes).violations).toContain('customer 100 visited 0 times instead of once');
  });

  // Capacity is the other hard constraint besides time windows.
  it('rejects an overloaded route', () => {
    const input = { name: 'tiny', vehicle_capacity: 5, nodes: [depot(), customer(1, 4), customer(2, 4)] };
    expect(checkVrptwPlan(input, [[1, 2]]).violations).toEqual(['route 0: load 8 above capacity 5']);
  });

  // The trivial plan is feasible, so the checker must not reject valid plans.
  it('accepts one route per customer', () => {
    const input = { name: 'tiny', vehicle_capacity: 5, nodes: [depot(), customer(1, 4), customer(2, 4)] };
    expect(checkVrptwPlan(input, [[1], [2]]).feasible).toBe(true);
  });
});

function depot() {
  return { x: 0, y: 0, demand: 0, ready_time: 0, due_time: 100, service_time: 0 };
}

function customer(x: number, demand: number) {
  return { x, y: 0, demand, ready_time: 0, due_time: 50, service_time: 1 };
}

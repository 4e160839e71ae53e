import { describe, expect, it } from 'vitest';
import { generateCountyScenario } from '../../bench/county-scenario.js';
import { checkPlan } from '../../scheduler/check/plan-check.js';
import { formatClock } from '../../scheduler/model/clock.js';
import { parseScenario, type Scenario, type ScenarioInput } from '../../scheduler/model/scenario.js';
import { describePlan, type PlanOutput, type VehiclePlan } from '../../scheduler/rich/plan-result.js';
import { buildProblem } from '../../scheduler/rich/problem.js';
import { searchPlan } from '../../scheduler/rich/search.js';

function solve(scenario: Scenario): PlanOutput {
  const problem = buildProblem(scenario);
  const result = searchPlan(problem, { seed: 5, max_iterations: 40, time_limit_ms: 60_000 });
  return describePlan(problem, result.solution);
}

/** Status of the stop at index `k` for a truck that finished three stops and is at the fourth. */
function statusOf(k: number): 'completed' | 'current' | 'planned' {
  if (k < 3) return 'completed';
  if (k === 3) return 'current';
  return 'planned';
}

/** First plan of the evening, then two trucks on the road: three stops done, the fourth under way. */
function replanScenario(): { first: PlanOutput; scenario: Scenario; started: VehiclePlan[]; locked: VehiclePlan } {
  const input = generateCountyScenario({ order_count: 60 });
  const first = solve(parseScenario(input));
  const used = first.vehicles.filter((vehicle) => vehicle.stops.length >= 6);
  const started = used.slice(0, 2);
  const locked = used[2]!;
  const now = Math.max(...started.map((vehicle) => vehicle.stops[3]!.start_min));
  const previousPlan: ScenarioInput['previous_plan'] = started.map((vehicle) => ({
    vehicle_id: vehicle.vehicle_id,
    stops: vehicle.stops.map((stop, k) => ({
      order_id: stop.order_id,
      kind: stop.kind,
      status: statusOf(k),
    })),
  }));
  previousPlan.push({
    vehicle_id: locked.vehicle_id,
    locked: true,
    stops: locked.stops.map((stop) => ({ order_id: stop.order_id, kind: stop.kind, status: 'planned' as const })),
  });
  const scenario = parseScenario({ ...input, now: formatClock(Math.ceil(now)), previous_plan: previousPlan });
  return { first, scenario, started, locked };
}

describe('re-planning', { timeout: 60_000 }, () => {
  const { scenario, started, locked } = replanScenario();
  const plan = solve(scenario);
  const planOf = (id: string) => plan.vehicles.find((vehicle) => vehicle.vehicle_id === id)!;

  // The checker replays kept stops, goods on board and the locked route, so it must approve the re-plan.
  it('passes the independent check', () => {
    expect(checkPlan(scenario, plan).violations).toEqual([]);
  });

  // Trucks already on the road cannot undo what they did: completed and current stops stay as they were.
  it('keeps completed and current stops', () => {
    for (const vehicle of started) {
      const kept = planOf(vehicle.vehicle_id).kept_stops.map((stop) => `${stop.order_id}/${stop.kind}/${stop.status}`);
      const expected = vehicle.stops
        .slice(0, 4)
        .map((stop, k) => `${stop.order_id}/${stop.kind}/${k < 3 ? 'completed' : 'current'}`);
      expect(kept).toEqual(expected);
    }
  });

  // Goods picked up before the re-plan are on that truck, so only that truck can deliver them.
  it('delivers goods on board from the same truck', () => {
    for (const vehicle of started) {
      const kept = vehicle.stops.slice(0, 4);
      const onBoard = kept
        .filter((stop) => stop.kind === 'pickup')
        .map((stop) => stop.order_id)
        .filter((id) => !kept.some((other) => other.order_id === id && other.kind === 'delivery'));
      const delivered = planOf(vehicle.vehicle_id)
        .stops.filter((stop) => stop.kind === 'delivery')
        .map((stop) => stop.order_id);
      for (const id of onBoard) expect(delivered).toContain(id);
    }
  });

  // A locked route was confirmed with the driver and must come back stop for stop.
  it('leaves the locked route untouched', () => {
    const stops = planOf(locked.vehicle_id).stops.map((stop) => `${stop.order_id}/${stop.kind}`);
    expect(stops).toEqual(locked.stops.map((stop) => `${stop.order_id}/${stop.kind}`));
  });

  // Restarted routes leave from where the truck is now, not from the depot at the shift start.
  it('restarts from the current stop at now', () => {
    for (const vehicle of started) {
      const replanned = planOf(vehicle.vehicle_id);
      expect(replanned.start_site_id).toBe(vehicle.stops[3]!.site_id);
      expect(replanned.departure_min).toBeGreaterThanOrEqual(scenario.now!);
    }
  });
});

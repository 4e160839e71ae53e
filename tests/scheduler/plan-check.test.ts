import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../scheduler/check/plan-check.js';
import type { Scenario } from '../../scheduler/model/scenario.js';
import { describePlan, type PlanOutput } from '../../scheduler/rich/plan-result.js';
import { buildProblem } from '../../scheduler/rich/problem.js';
import { searchPlan } from '../../scheduler/rich/search.js';
import { smallScenario } from './small-scenario.js';

function solved(): { scenario: Scenario; plan: PlanOutput } {
  const scenario = smallScenario();
  const problem = buildProblem(scenario);
  const plan = describePlan(problem, searchPlan(problem, { seed: 2, max_iterations: 30 }).solution);
  return { scenario, plan };
}

/** A deep copy, so each test tampers with its own plan. */
const copy = (plan: PlanOutput): PlanOutput => structuredClone(plan);

// Each case breaks one rule on a feasible plan; a checker that misses it would approve a broken plan.
describe('plan checker', () => {
  const { scenario, plan } = solved();
  const used = plan.vehicles.findIndex((vehicle) => vehicle.stops.length > 0);

  it('accepts the solver plan', () => {
    expect(checkPlan(scenario, plan).violations).toEqual([]);
  });

  it('rejects frozen goods in a chilled compartment', () => {
    const broken = copy(plan);
    const stop = broken.vehicles
      .flatMap((vehicle) => vehicle.stops)
      .find((entry) => entry.temperature_class === 'frozen')!;
    stop.compartment_id = 'rear';
    expect(checkPlan(scenario, broken).violations.some((text) => text.includes('frozen order'))).toBe(true);
  });

  it('rejects delivery before pickup', () => {
    const broken = copy(plan);
    const stops = broken.vehicles[used]!.stops;
    const pickup = stops.findIndex((stop) => stop.kind === 'pickup');
    const delivery = stops.findIndex((stop) => stop.kind === 'delivery' && stop.order_id === stops[pickup]!.order_id);
    [stops[pickup], stops[delivery]] = [stops[delivery]!, stops[pickup]!];
    expect(checkPlan(scenario, broken).violations.some((text) => text.includes('before it was picked up'))).toBe(true);
  });

  it('rejects a missed time window', () => {
    const broken = copy(plan);
    broken.vehicles[used]!.departure_min += 600;
    expect(checkPlan(scenario, broken).violations.some((text) => text.includes('after its window end'))).toBe(true);
  });

  it('rejects an order served twice', () => {
    const broken = copy(plan);
    const other = broken.vehicles.findIndex((_vehicle, k) => k !== used);
    const first = broken.vehicles[used]!.stops;
    const pair = first.filter((stop) => stop.order_id === first[0]!.order_id);
    broken.vehicles[other]!.stops.push(...structuredClone(pair));
    expect(checkPlan(scenario, broken).violations.some((text) => text.includes('delivered by two trucks'))).toBe(true);
  });

  it('rejects an overloaded compartment', () => {
    const heavy = structuredClone(scenario);
    const stop = plan.vehicles[used]!.stops[0]!;
    heavy.orders.find((entry) => entry.id === stop.order_id)!.weight_kg = 5000;
    expect(checkPlan(heavy, plan).violations.some((text) => text.includes('over'))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { generateCountyScenario } from '../../bench/county-scenario.js';
import { parseScenario } from '../../scheduler/model/scenario.js';
import { planRound } from '../../scheduler/plan-round.js';
import { order, smallScenario } from './small-scenario.js';

describe('planning round', { timeout: 120_000 }, () => {
  const scenario = parseScenario({
    ...generateCountyScenario({ order_count: 70 }),
    solver: { seed: 2, max_iterations: 40, time_limit_s: 60 },
  });
  const report = planRound(scenario);

  // The full round must hand the checker a plan it accepts, not only the bare solver.
  it('passes the independent check', () => {
    expect(report.check.violations).toEqual([]);
  });

  // Tonne-km allocation must hand out exactly the pooled emissions, no more and no less.
  it('allocates all pooled kg co2 to merchants', () => {
    const allocated = report.settlement.merchants.reduce((sum, entry) => sum + entry.pooled_kg_co2, 0);
    expect(allocated).toBeCloseTo(report.kpis.kg_co2_total, 6);
  });

  // Each merchant's saving is what it would emit alone minus its pooled share.
  it('computes savings against the baseline', () => {
    for (const entry of report.settlement.merchants) {
      const alone = report.baseline.merchants.find((merchant) => merchant.merchant_id === entry.merchant_id)!;
      expect(entry.kg_co2_saved).toBeCloseTo(alone.kg_co2 - entry.pooled_kg_co2, 9);
    }
  });

  // Savings compare equal work, so the baseline plans exactly the orders the pooled plan serves.
  it('plans the baseline on the served orders', () => {
    const baseline = report.baseline.kpis;
    expect(baseline.orders_served + baseline.orders_unserved).toBe(report.kpis.orders_served);
  });

  // Pooling exists to cut emissions; on the county example it must beat delivering alone.
  it('emits less than the unpooled baseline', () => {
    expect(report.kpis.kg_co2_total).toBeLessThan(report.baseline.kpis.kg_co2_total);
  });

  // A scenario with bookings must come back with their zone assignments.
  it('reports space sharing for bookings', () => {
    expect(report.space?.assignments.length).toBeGreaterThan(0);
  });
});

describe('planning round with an unservable order', { timeout: 60_000 }, () => {
  // The pickup window lies on the next evening, after every shift ends.
  const scenario = smallScenario({
    orders: [
      order('o1'),
      order('o2', {
        pickup_window: { start: '40:00', end: '41:00' },
        delivery_window: { start: '40:00', end: '42:00' },
      }),
    ],
  });
  const report = planRound(scenario);

  it('leaves the order unserved', () => {
    expect(report.plan.unserved.map((entry) => entry.order_id)).toEqual(['o2']);
  });

  it('leaves the order out of the baseline', () => {
    const planned = report.baseline.plan.vehicles.flatMap((vehicle) => vehicle.stops.map((stop) => stop.order_id));
    expect(planned).not.toContain('o2');
    expect(report.baseline.kpis.orders_served).toBe(report.kpis.orders_served);
  });
});

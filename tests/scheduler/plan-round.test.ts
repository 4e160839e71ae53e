import { describe, expect, it } from 'vitest';
import { generateCountyScenario } from '../../bench/county-scenario.js';
import { parseScenario } from '../../scheduler/model/scenario.js';
import { planRound } from '../../scheduler/plan-round.js';

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

  // The baseline covers the same orders, so served counts must match when both serve everything.
  it('plans the baseline on the same orders', () => {
    expect(report.baseline.kpis.orders_served + report.baseline.kpis.orders_unserved).toBe(scenario.orders.length);
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

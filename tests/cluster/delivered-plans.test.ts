import { describe, expect, it } from 'vitest';
import { DELIVERED_PLANS_MAX, DeliveredPlans } from '../../gateway/cluster/delivered-plans.js';
import { emptyPlan as planOf } from './support/empty-plan.js';

describe('DeliveredPlans', () => {
  it('records each id once', () => {
    const delivered = new DeliveredPlans();
    expect(delivered.add(planOf('plan-1', 1_000))).toBe(true);
    expect(delivered.add(planOf('plan-1', 1_000))).toBe(false);
  });

  it('counts any plan newer when empty', () => {
    expect(new DeliveredPlans().isNewer(planOf('plan-1', 0))).toBe(true);
  });

  it('compares with the newest plan', () => {
    const delivered = new DeliveredPlans();
    delivered.add(planOf('plan-2', 2_000));
    delivered.add(planOf('plan-1', 1_000));
    expect(delivered.isNewer(planOf('plan-2', 2_000))).toBe(false);
    expect(delivered.isNewer(planOf('plan-0', 1_500))).toBe(false);
    expect(delivered.isNewer(planOf('plan-3', 2_000))).toBe(true);
    expect(delivered.isNewer(planOf('plan-4', 3_000))).toBe(true);
  });

  it('forgets the oldest ids', () => {
    const delivered = new DeliveredPlans();
    for (let index = 0; index <= DELIVERED_PLANS_MAX; index += 1) delivered.add(planOf(`plan-${index}`, index));
    // plan-0 was forgotten, so it counts as new again to `add`, while the newest time still bounds `isNewer`.
    expect(delivered.add(planOf('plan-0', 0))).toBe(true);
    expect(delivered.add(planOf(`plan-${DELIVERED_PLANS_MAX}`, DELIVERED_PLANS_MAX))).toBe(false);
    expect(delivered.isNewer(planOf('plan-1', 1))).toBe(false);
  });
});

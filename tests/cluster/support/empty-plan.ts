import type { Plan } from '../../../gateway/api/services.js';

/** Returns a plan without routes or orders. */
export function emptyPlan(id: string, created_ms = 1_000): Plan {
  return {
    id,
    scenario: 'small-county',
    created_ms,
    routes: [],
    unserved: [],
    comparison: {
      pooled: { km: 0, trips: 0, load_factor: 0, kg_co2: 0, orders_served: 0 },
      baseline: { km: 0, trips: 0, load_factor: 0, kg_co2: 0, orders_served: 0 },
      baseline_unserved: [],
    },
  };
}

import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiDeps, createApiServer } from '../../../gateway/api/server.js';
import { EventBus } from '../../../gateway/events.js';
import type { PlanningCounters } from '../../../gateway/planning/planner.js';
import { createStats } from '../../../gateway/stats.js';
import { sample } from '../../harness/prometheus-sample.js';
import { MemoryPlans, NIGHT_SCENARIO } from './memory-services.js';

const PLANNING_METRICS = [
  'coldpool_planning_orders_received_total',
  'coldpool_planning_orders_dropped_total',
  'coldpool_planning_orders_invalid_total',
  'coldpool_planning_rounds_total',
  'coldpool_planning_rounds_skipped_total',
];

describe('planning metrics', () => {
  let app: FastifyInstance | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** Builds an API whose gateway reports `counters()`, with a plan service when `planning` is true. */
  async function scrape(counters: () => PlanningCounters | undefined, planning: boolean): Promise<string> {
    const gateway = {
      bus: new EventBus(),
      stats: createStats(),
      resolved: { devices: [] },
      outputStats: () => [],
      planningCounters: counters,
    };
    const deps: ApiDeps = { gateway, ...(planning ? { plans: new MemoryPlans({ night: NIGHT_SCENARIO }) } : {}) };
    app = await createApiServer(deps, { dashboard: false });
    return (await app.inject({ url: '/metrics' })).body;
  }

  it('serves each planner counter', async () => {
    const counters = { orders_received: 7, orders_dropped: 2, orders_invalid: 3, rounds: 4, rounds_skipped: 1 };
    const text = await scrape(() => counters, true);
    expect(sample(text, 'coldpool_planning_orders_received_total')).toBe(7);
    expect(sample(text, 'coldpool_planning_orders_dropped_total')).toBe(2);
    expect(sample(text, 'coldpool_planning_orders_invalid_total')).toBe(3);
    expect(sample(text, 'coldpool_planning_rounds_total')).toBe(4);
    expect(sample(text, 'coldpool_planning_rounds_skipped_total')).toBe(1);
  });

  it('declares counters with help text', async () => {
    const text = await scrape(() => undefined, true);
    for (const name of PLANNING_METRICS) {
      expect(text).toContain(`# TYPE ${name} counter\n`);
      expect(text).toMatch(new RegExp(`# HELP ${name} \\S`));
    }
  });

  it('follows the counters between scrapes', async () => {
    const counters = { orders_received: 1, orders_dropped: 0, orders_invalid: 0, rounds: 0, rounds_skipped: 0 };
    await scrape(() => counters, true);
    counters.orders_received = 5;
    const text = (await app!.inject({ url: '/metrics' })).body;
    expect(sample(text, 'coldpool_planning_orders_received_total')).toBe(5);
  });

  it('reports 0 without a running planner', async () => {
    const text = await scrape(() => undefined, true);
    for (const name of PLANNING_METRICS) expect(sample(text, name)).toBe(0);
  });

  it('omits them when planning is off', async () => {
    const text = await scrape(() => undefined, false);
    for (const name of PLANNING_METRICS) expect(text).not.toContain(name);
  });
});

/** A planner on the small-county fixture with a settable clock, a recording log and a fake search. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Planner, type PlannerDeps } from '../../../gateway/planning/planner.js';
import { planningConfigSchema } from '../../../gateway/planning/planning-config.js';
import type { Scenario } from '../../../scheduler/model/scenario.js';
import type { PlanReport } from '../../../scheduler/plan-round.js';

export const ZONE = 'Asia/Shanghai';

/** Returns the instant of local time `HH:MM` on `date` in Shanghai (UTC+8 all year). */
export function shanghai(date: string, clock: string): number {
  return Date.parse(`${date}T${clock}:00+08:00`);
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const NO_FIGURES = {
  trips: 0,
  km: 0,
  average_load_factor: 0,
  kg_co2_total: 0,
  orders_served: 0,
};

/** Builds a report that leaves every order of the round unserved, which is enough for the planner to store a plan. */
function unservedReport(scenario: Scenario): PlanReport {
  const unserved = scenario.orders.map((order) => ({ order_id: order.id, reason: 'fake search' }));
  return {
    plan: { vehicles: [], unserved },
    kpis: NO_FIGURES,
    baseline: { plan: { vehicles: [], unserved: [] }, kpis: NO_FIGURES },
    warnings: [],
  } as unknown as PlanReport;
}

/** A planner whose clock `clock.now` the test sets, with every round's scenario kept in `rounds`. */
export interface RollingSetup {
  planner: Planner;
  clock: { now: number };
  rounds: Scenario[];
  lines: LogLine[];
  storePath: string;
}

/**
 * Creates a planner on the small-county fixture (plan date 2026-12-05) in Shanghai time. `settings`
 * overrides the planning config; the store is a new file unless `storePath` names one.
 */
export function rollingPlanner(
  now: number,
  settings: Record<string, unknown> = {},
  storePath = join(mkdtempSync(join(tmpdir(), 'coldpool-rolling-')), 'plans.db'),
): RollingSetup {
  const config = planningConfigSchema.parse({
    enabled: true,
    scenario_file: 'tests/fixtures/planning/small-county.yaml',
    plan_date: 'rolling',
    schedules: [
      { name: 'nightly', cron: '0 22 * * *', day: 'tomorrow' },
      { name: 'replan', cron: '*/15 * * * *' },
    ],
    time_zone: ZONE,
    store_path: storePath,
    ...settings,
  });
  const clock = { now };
  const rounds: Scenario[] = [];
  const lines: LogLine[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  const runPlan: PlannerDeps['run_plan'] = async (scenario) => {
    rounds.push(scenario);
    return unservedReport(scenario);
  };
  const planner = new Planner(config, { log, now: () => clock.now, run_plan: runPlan });
  return { planner, clock, rounds, lines, storePath };
}

/** Builds a scheduler-format order message (clock times, no date) between fixture sites. */
export function clockOrder(id: string, start = '17:00', end = '21:00'): string {
  return JSON.stringify({
    id,
    merchant_id: 'm_b',
    pickup_site_id: 'm_b',
    delivery_site_id: 'v3',
    temperature_class: 'frozen',
    weight_kg: 5,
    volume_m3: 0.01,
    pickup_window: { start, end },
    delivery_window: { start, end: '23:00' },
  });
}

/** Builds a sale order message whose window runs between two instants. */
export function saleOrder(id: string, from: number, to: number): string {
  return JSON.stringify({
    order_id: id,
    merchant_id: 'm_a',
    pickup: { site_id: 'm_a', lat: 27.31, lon: 111.71 },
    delivery: { site_id: 'village-9', lat: 27.34, lon: 111.66 },
    temperature_class: 'chilled',
    kg: 8,
    m3: 0.02,
    window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
  });
}

/** Returns the ids of the orders of a round's scenario. */
export function orderIds(scenario: Scenario | undefined): string[] {
  return scenario?.orders.map((order) => order.id) ?? [];
}

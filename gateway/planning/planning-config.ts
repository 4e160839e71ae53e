import { z } from 'zod';
import { isTimeZone } from './local-time.js';

/** The fix for an enabled planner without `scenario_file`. */
export const SCENARIO_FILE_FIX =
  'set it to the path of a scenario file, such as examples/plan/county.yaml, or set planning.enabled to false';

/** Off-peak sharing scheduler settings, mounted under the top-level key `planning`. */
export const planningConfigSchema = z
  .strictObject({
    /** Run planning rounds on the schedules below. */
    enabled: z.boolean().default(false),
    /**
     * Scenario file (YAML or JSON, the format of `coldpool plan`) with the sites, trucks and cold rooms;
     * its orders are planned together with those received over MQTT.
     */
    scenario_file: z.string().min(1).optional(),
    /**
     * Date that rounds plan. `scenario`: every round plans the scenario file's `plan_date`. `rolling`: a
     * scheduled round plans the local date of its tick plus the schedule's `day`, and a round requested
     * through the API plans today's local date, both in `time_zone`.
     */
    plan_date: z.enum(['scenario', 'rolling']).default('scenario'),
    /**
     * node-cron expressions, in `time_zone`. A tick that finds a round of its plan date still running is
     * skipped. `day` is the date a tick plans with `plan_date: rolling` (default `today`), and it is
     * ignored with `scenario`.
     */
    schedules: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          cron: z.string().min(1),
          day: z.enum(['today', 'tomorrow']).default('today'),
        }),
      )
      .default([
        { name: 'nightly', cron: '0 22 * * *', day: 'tomorrow' },
        { name: 'replan', cron: '*/15 * * * *', day: 'today' },
      ]),
    /**
     * IANA time zone name, such as `Asia/Shanghai`, in which the schedules run and the scenario's clock
     * times (shifts, waves, windows) are read. Default: the gateway's own zone.
     */
    time_zone: z.string().min(1).optional(),
    /** Topic on which new orders arrive as JSON. */
    orders_topic: z.string().min(1).default('coldpool/orders/in'),
    /** Topic on which every plan is published, retained, as JSON. */
    plans_topic: z.string().min(1).default('coldpool/plans/latest'),
    /** Database (SQLite) of plans and received orders. Default `plans.db` in the local store's folder. */
    store_path: z.string().min(1).default('data/plans.db'),
    /** Wall-clock budget of one round's search, seconds; overrides the scenario's. */
    time_limit_s: z.number().positive().max(600).optional(),
    /** Orders kept waiting for the next round at most; the oldest are dropped and counted beyond it. */
    max_pending_orders: z.number().int().min(1).max(100_000).default(5000),
  })
  .superRefine((config, ctx) => {
    if (config.time_zone !== undefined && !isTimeZone(config.time_zone)) {
      ctx.addIssue({
        code: 'custom',
        path: ['time_zone'],
        message: `"${config.time_zone}" is not a valid IANA time zone name; use a name such as "Asia/Shanghai" or "UTC"`,
      });
    }
    if (config.enabled && !config.scenario_file) {
      ctx.addIssue({
        code: 'custom',
        path: ['scenario_file'],
        message: `is required when planning is enabled; ${SCENARIO_FILE_FIX}`,
      });
    }
  });

export type PlanningConfig = z.infer<typeof planningConfigSchema>;

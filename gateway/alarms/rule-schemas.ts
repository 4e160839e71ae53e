/**
 * Zod schemas of the alarm rules, shared by the class defaults and the per-asset overrides. Names are
 * snake_case with the unit in the name, as in the rest of the gateway configuration.
 */
import { z } from 'zod';

/** Severity of an alarm, lowest first. */
export const alarmLevelSchema = z.enum(['warning', 'alarm', 'critical']);
export type AlarmLevel = z.infer<typeof alarmLevelSchema>;

/** Every level, lowest first, for comparisons and report tables. */
export const ALARM_LEVELS: readonly AlarmLevel[] = ['warning', 'alarm', 'critical'];

/** A limit on one measured point: raise after an on-delay, clear with hysteresis after a clear delay. */
export const thresholdRuleSchema = z.strictObject({
  /** Rule id, unique within the asset. Default `<direction>_<level>` such as `high_alarm`. */
  id: z
    .string()
    .regex(/^[a-z0-9_]+$/, 'must be lowercase letters, digits and underscores')
    .optional(),
  /** Field the rule watches. Default: the asset's `temperature_field`. */
  point: z.string().min(1).optional(),
  /** `high` raises above the threshold, `low` below it. */
  direction: z.enum(['high', 'low']),
  level: alarmLevelSchema,
  /** Limit, °C: a high rule raises when the value is above it, a low rule when below it. */
  threshold_c: z.number(),
  /** Time the condition must last before the alarm is raised, s. Default 0. */
  on_delay_s: z.number().min(0).default(0),
  /** `consecutive`: unbroken time beyond the limit; `cumulative`: total time beyond it within `window_s`. */
  on_delay_mode: z.enum(['consecutive', 'cumulative']).default('consecutive'),
  /** Window over which cumulative time is counted, s. Default 3600. */
  window_s: z.number().positive().default(3600),
  /** Hysteresis: the value must come back this far inside the limit to clear, K. Default 0.5. */
  clear_margin_c: z.number().min(0).default(0.5),
  /** Time the value must stay inside the clear margin before the alarm clears, s. Default 120. */
  clear_delay_s: z.number().min(0).default(120),
});
export type ThresholdRule = z.infer<typeof thresholdRuleSchema> & { id: string };

/** Rate-of-rise rule: a steady rise (a failed compressor) raises before the temperature reaches a limit. */
export const rateRuleSchema = z.strictObject({
  /** Set to false to turn the rule off. Default true. */
  enabled: z.boolean().default(true),
  level: alarmLevelSchema.default('alarm'),
  /** Rise that raises the alarm when sustained over the whole window, °C per minute. Default 0.25. */
  rate_c_per_min: z.number().positive().default(0.25),
  /** Window of the least-squares slope, s; readings must span 80 % of it. Default 600. */
  window_s: z.number().positive().default(600),
  /** The slope must fall this far below `rate_c_per_min` to clear, °C per minute. Default 0.05. */
  clear_margin_c_per_min: z.number().min(0).default(0.05),
  /** Time the slope must stay above the rate before raising, s. Default 0. */
  on_delay_s: z.number().min(0).default(0),
  /** Time the slope must stay below the clear level before clearing, s. Default 300. */
  clear_delay_s: z.number().min(0).default(300),
});
export type RateRule = z.infer<typeof rateRuleSchema>;

/** Door handling: temperature alarms wait while the door is open, and a door left open has its own alarm. */
export const doorRuleSchema = z.strictObject({
  /** Boolean field that is true while the door is open. Default `door_open`. */
  field: z.string().min(1).default('door_open'),
  /** Door open longer than this raises the door alarm, s. Default 300. */
  max_open_s: z.number().positive().default(300),
  level: alarmLevelSchema.default('alarm'),
  /** Temperature alarms wait at most this long while the door stays open, s. Default 900. */
  suppress_max_s: z.number().min(0).default(900),
  /** Temperature alarms keep waiting this long after the door closes, s. Default 600 (1800 for truck compartments). */
  grace_s: z.number().min(0).default(600),
  /**
   * Cap on the suppression of one episode, counted from its first opening, s. An opening while the
   * previous one still suppresses continues the episode. Default `suppress_max_s + grace_s`.
   */
  suppress_total_max_s: z.number().min(0).optional(),
});
export type DoorRule = z.infer<typeof doorRuleSchema>;

/** Inference of a defrost from the coil when the controller does not report one. */
export const defrostInferenceSchema = z.strictObject({
  /** Infer defrosts from the evaporator temperature and the compressor. Default true. */
  enabled: z.boolean().default(true),
  /** Evaporator (coil) temperature field, °C. Default `evap_temp_c`. */
  evaporator_field: z.string().min(1).default('evap_temp_c'),
  /** Boolean field that is true while the compressor runs. Default `compressor_on`. */
  compressor_field: z.string().min(1).default('compressor_on'),
  /** Coil rise with the compressor off that marks a defrost, K. Default 5. */
  evaporator_rise_c: z.number().positive().default(5),
  /** Window in which the coil must rise by `evaporator_rise_c`, s. Default 900. */
  window_s: z.number().positive().default(900),
});

/** Defrost handling: temperature alarms wait during a defrost and a grace period after it. */
export const defrostRuleSchema = z.strictObject({
  /** Boolean field the controller sets during a defrost. Default `defrost_on`. */
  field: z.string().min(1).default('defrost_on'),
  /** Maximum defrost time that suppresses alarms; a defrost signal stuck longer stops suppressing, s. Default 2700. */
  max_s: z.number().positive().default(2700),
  /** Temperature alarms keep waiting this long after the defrost ends, s. Default 1200. */
  grace_s: z.number().min(0).default(1200),
  infer: defrostInferenceSchema.prefault({}),
});
export type DefrostRule = z.infer<typeof defrostRuleSchema>;

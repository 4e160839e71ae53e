/**
 * Temperature classes of stored goods and the default alarm rules of each. The ranges are the usual
 * storage ranges (frozen at or below −18 °C, chilled 0-5 °C, pharmaceutical 2-8 °C, controlled ambient
 * 15-25 °C). Thresholds and delays are starting points for a site to review, not values from a standard.
 */
import type { z } from 'zod';
import type { thresholdRuleSchema } from './rule-schemas.js';

export type TemperatureClass = 'frozen' | 'chilled' | 'pharma' | 'ambient' | 'custom';

/** Every class name, for option parsing and messages. */
export const TEMPERATURE_CLASSES: readonly TemperatureClass[] = ['frozen', 'chilled', 'pharma', 'ambient', 'custom'];

type RuleInput = z.input<typeof thresholdRuleSchema>;

/** Storage range and default threshold rules of a class; a `null` bound means no limit on that side. */
export interface ClassDefaults {
  /** Lowest temperature of the storage range, °C, or null. */
  low_c: number | null;
  /** Highest temperature of the storage range, °C, or null. */
  high_c: number | null;
  rules: RuleInput[];
}

const MIN = 60;

export const CLASS_DEFAULTS: Record<Exclude<TemperatureClass, 'custom'>, ClassDefaults> = {
  frozen: {
    low_c: null,
    high_c: -18,
    rules: [
      { direction: 'high', level: 'warning', threshold_c: -15, on_delay_s: 15 * MIN },
      { direction: 'high', level: 'alarm', threshold_c: -12, on_delay_s: 30 * MIN },
      { direction: 'high', level: 'critical', threshold_c: -8, on_delay_s: 10 * MIN },
    ],
  },
  chilled: {
    low_c: 0,
    high_c: 5,
    rules: [
      { direction: 'high', level: 'warning', threshold_c: 5, on_delay_s: 15 * MIN },
      {
        direction: 'high',
        level: 'alarm',
        threshold_c: 6,
        on_delay_s: 30 * MIN,
        on_delay_mode: 'cumulative',
        window_s: 60 * MIN,
      },
      { direction: 'high', level: 'critical', threshold_c: 8, on_delay_s: 10 * MIN },
      { direction: 'low', level: 'warning', threshold_c: 0, on_delay_s: 15 * MIN },
      { direction: 'low', level: 'alarm', threshold_c: -1, on_delay_s: 30 * MIN },
    ],
  },
  pharma: {
    low_c: 2,
    high_c: 8,
    rules: [
      { direction: 'high', level: 'warning', threshold_c: 8, on_delay_s: 5 * MIN },
      {
        direction: 'high',
        level: 'alarm',
        threshold_c: 8,
        on_delay_s: 30 * MIN,
        on_delay_mode: 'cumulative',
        window_s: 60 * MIN,
      },
      { direction: 'high', level: 'critical', threshold_c: 12, on_delay_s: 5 * MIN },
      { direction: 'low', level: 'warning', threshold_c: 2, on_delay_s: 5 * MIN },
      { direction: 'low', level: 'critical', threshold_c: 0, on_delay_s: 5 * MIN },
    ],
  },
  ambient: {
    low_c: 15,
    high_c: 25,
    rules: [
      { direction: 'high', level: 'warning', threshold_c: 25, on_delay_s: 30 * MIN },
      { direction: 'high', level: 'alarm', threshold_c: 30, on_delay_s: 30 * MIN },
      { direction: 'low', level: 'warning', threshold_c: 15, on_delay_s: 30 * MIN },
      { direction: 'low', level: 'alarm', threshold_c: 10, on_delay_s: 30 * MIN },
    ],
  },
};

/**
 * Builds the default rules of a custom range: a warning at each bound after 15 minutes, and an alarm
 * one kelvin beyond it after 30 minutes.
 */
export function customClassRules(low_c: number | null, high_c: number | null): RuleInput[] {
  const rules: RuleInput[] = [];
  if (high_c !== null) {
    rules.push({ direction: 'high', level: 'warning', threshold_c: high_c, on_delay_s: 15 * MIN });
    rules.push({ direction: 'high', level: 'alarm', threshold_c: high_c + 1, on_delay_s: 30 * MIN });
  }
  if (low_c !== null) {
    rules.push({ direction: 'low', level: 'warning', threshold_c: low_c, on_delay_s: 15 * MIN });
    rules.push({ direction: 'low', level: 'alarm', threshold_c: low_c - 1, on_delay_s: 30 * MIN });
  }
  return rules;
}

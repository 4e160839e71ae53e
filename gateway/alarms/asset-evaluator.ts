/**
 * Evaluates one reading against the rules of one asset: defrost and door suppression first, then the
 * door alarm, the threshold rules and the rate-of-rise rule. Pure apart from the state it advances.
 */
import type { Reading } from '../reading.js';
import type { AlarmKind } from './alarm.js';
import type { AssetProfile } from './asset-profile.js';
import { allowedLevel } from './asset-state.js';
import { resetConditionTimer } from './condition-timer.js';
import {
  type DefrostState,
  type DeviceDefrosts,
  isAnyDefrostSuppressing,
  updateDeviceDefrost,
} from './defrost-tracker.js';
import { INTERVALS_VALID } from './device-values.js';
import { type DoorState, isDoorSuppressing, newDoorState, restoreDoorState, updateDoor } from './door-tracker.js';
import { evaluateRateRule, newRateState, type RateState, resetRateWindows, restoreRateState } from './rate-rule.js';
import type { AlarmLevel } from './rule-schemas.js';
import { evaluateThresholdRule, newRuleState, type RuleState } from './threshold-rule.js';

/** Latest value of one point from one device, for the threshold rules. */
export interface DevicePoint {
  value: number;
  time_ms: number;
  /** Time between the device's last two values of the point, ms; null after its first. */
  interval_ms: number | null;
}

/** Serialisable runtime state of one asset. */
export interface AssetRuntime {
  site: string;
  rules: Record<string, RuleState>;
  /** Latest value of each point watched by a threshold rule, by point and then by device id. */
  points: Record<string, Record<string, DevicePoint>>;
  rate: RateState;
  /** Defrost state of each device of the asset. */
  defrosts: DeviceDefrosts;
  door: DoorState;
  /** Time of the last reading that carried the temperature field, ms. */
  last_temperature_ms: number | null;
}

export function newAssetRuntime(site: string): AssetRuntime {
  return {
    site,
    rules: {},
    points: {},
    rate: newRateState(),
    defrosts: {},
    door: newDoorState(),
    last_temperature_ms: null,
  };
}

/** Runtime state as older versions saved it, with one defrost state for the whole asset. */
type SavedAssetRuntime = AssetRuntime & { defrost?: DefrostState };

/**
 * Fills in the fields that runtime states saved by older versions lack. Their single defrost state
 * goes under the device id '', where it still ends by `max_s` and `grace_s`.
 */
export function restoreAssetRuntime(saved: SavedAssetRuntime): AssetRuntime {
  if (saved.defrosts === undefined) {
    saved.defrosts = saved.defrost === undefined ? {} : { '': saved.defrost };
    delete saved.defrost;
  }
  saved.door = restoreDoorState(saved.door);
  saved.points ??= {};
  saved.rate = restoreRateState(saved.rate);
  return saved;
}

/** A rule that raised or cleared on this reading. */
export interface RuleOutcome {
  rule: string;
  kind: AlarmKind;
  level: AlarmLevel;
  change: 'raise' | 'clear';
  point?: string;
  threshold?: number;
  value?: number;
}

export interface EvaluationContext {
  /**
   * A gap longer than this between temperature readings restarts every on-delay, and a device's door
   * report older than this no longer keeps the door open, ms.
   */
  max_gap_ms: number;
  /** True while a parent alarm (site power failure) suppresses the asset's temperature alarms. */
  flood_suppressed: boolean;
}

/** Cause of the current suppression of the asset's temperature alarms, or null for none. */
export type SuppressionReason = 'defrost' | 'door' | 'flood' | null;

export interface AssetEvaluation {
  outcomes: RuleOutcome[];
  suppression: SuppressionReason;
  /** Value of the temperature field in this reading, if it carried one. */
  temperature?: number;
}

function suppressionOf(runtime: AssetRuntime, profile: AssetProfile, time_ms: number, context: EvaluationContext) {
  if (context.flood_suppressed) return 'flood';
  if (isAnyDefrostSuppressing(runtime.defrosts, profile.defrost, time_ms)) return 'defrost';
  if (isDoorSuppressing(runtime.door, profile.door, time_ms)) return 'door';
  return null;
}

/** Highest and lowest current value of one point among an asset's devices. */
interface PointRange {
  high: number;
  low: number;
}

/**
 * Records this reading's value of `point` for its device and returns the range of this value and the
 * latest values of the asset's other devices that are still current. A `high` rule judges the highest
 * and a `low` rule the lowest, so two probes that read apart, such as a room node by the door and a
 * controller's return-air probe, cannot restart each other's on-delay, and an alarm clears only once
 * every device reads inside the clear margin. Another device's value is current for `INTERVALS_VALID`
 * of its own reporting intervals and at most `max_gap_ms`, so a device that reported once or went
 * silent stops counting.
 */
function recordPoint(
  runtime: AssetRuntime,
  point: string,
  device: string,
  reading_value: number,
  time_ms: number,
  max_gap_ms: number,
): PointRange {
  runtime.points[point] ??= {};
  const byDevice = runtime.points[point];
  const previous = byDevice[device];
  const interval_ms = previous !== undefined && time_ms > previous.time_ms ? time_ms - previous.time_ms : null;
  byDevice[device] = { value: reading_value, time_ms, interval_ms: interval_ms ?? previous?.interval_ms ?? null };
  const range = { high: reading_value, low: reading_value };
  for (const [id, latest] of Object.entries(byDevice)) {
    if (id === device) continue;
    const age_ms = time_ms - latest.time_ms;
    if (age_ms > max_gap_ms) {
      delete byDevice[id];
      continue;
    }
    if (latest.interval_ms === null || age_ms > INTERVALS_VALID * latest.interval_ms) continue;
    range.high = Math.max(range.high, latest.value);
    range.low = Math.min(range.low, latest.value);
  }
  return range;
}

/**
 * Evaluates the threshold rules on the points this reading carries (each rule watches its own `point`,
 * the temperature field by default), with the worst recent value among the asset's devices, and the
 * rate rule on the temperature field, with the steepest recent slope among the asset's devices.
 */
function evaluateTemperature(
  runtime: AssetRuntime,
  profile: AssetProfile,
  reading: Reading,
  suppressed: boolean,
  max_gap_ms: number,
): RuleOutcome[] {
  const outcomes: RuleOutcome[] = [];
  const time_ms = reading.time_ms;
  const device = reading.tags.device ?? '';
  // Several rules usually watch one point, so each point's range is recorded once per reading.
  const ranges = new Map<string, PointRange>();
  for (const rule of profile.rules) {
    const point = rule.point ?? profile.temperature_field;
    const reading_value = reading.fields[point];
    if (typeof reading_value !== 'number') continue;
    let range = ranges.get(point);
    if (range === undefined) {
      range = recordPoint(runtime, point, device, reading_value, time_ms, max_gap_ms);
      ranges.set(point, range);
    }
    const value = rule.direction === 'high' ? range.high : range.low;
    const state = runtime.rules[rule.id] ?? newRuleState();
    runtime.rules[rule.id] = state;
    const blocked = allowedLevel(profile.state, 'temperature', rule.level) === null;
    const change = evaluateThresholdRule(state, rule, value, time_ms, suppressed || blocked);
    if (change === null) continue;
    outcomes.push({
      rule: rule.id,
      kind: rule.direction,
      level: rule.level,
      change,
      point,
      threshold: rule.threshold_c,
      value,
    });
  }
  const rate = profile.rate;
  const value = reading.fields[profile.temperature_field];
  if (rate && typeof value === 'number') {
    const blocked = allowedLevel(profile.state, 'temperature', rate.level) === null;
    const change = evaluateRateRule(runtime.rate, rate, device, value, time_ms, suppressed || blocked, max_gap_ms);
    if (change !== null) {
      outcomes.push({
        rule: 'rate_of_rise',
        kind: 'rate_of_rise',
        level: rate.level,
        change,
        point: profile.temperature_field,
        threshold: rate.rate_c_per_min,
        value: runtime.rate.slope_c_per_min ?? undefined,
      });
    }
  }
  return outcomes;
}

/** Advances the asset's state with one reading and returns the alarms that raise or clear. */
export function evaluateAssetReading(
  runtime: AssetRuntime,
  profile: AssetProfile,
  reading: Reading,
  context: EvaluationContext,
): AssetEvaluation {
  const time_ms = reading.time_ms;
  const outcomes: RuleOutcome[] = [];
  const device = reading.tags.device ?? '';
  updateDeviceDefrost(runtime.defrosts, profile.defrost, device, reading.fields, time_ms);
  const door = updateDoor(runtime.door, profile.door, {
    device,
    fields: reading.fields,
    time_ms,
    stale_after_ms: context.max_gap_ms,
  });
  if (door.change !== null) {
    const allowed = allowedLevel(profile.state, 'door', profile.door.level);
    if (allowed !== null || door.change === 'clear') {
      outcomes.push({ rule: 'door_open', kind: 'door_open', level: profile.door.level, change: door.change });
    }
  }

  const suppression = suppressionOf(runtime, profile, time_ms, context);
  const value = reading.fields[profile.temperature_field];
  if (typeof value === 'number') {
    if (runtime.last_temperature_ms !== null && time_ms - runtime.last_temperature_ms > context.max_gap_ms) {
      for (const state of Object.values(runtime.rules)) resetConditionTimer(state.timer);
      resetRateWindows(runtime.rate);
    }
    runtime.last_temperature_ms = time_ms;
  }
  outcomes.push(...evaluateTemperature(runtime, profile, reading, suppression !== null, context.max_gap_ms));
  return { outcomes, suppression, temperature: typeof value === 'number' ? value : undefined };
}

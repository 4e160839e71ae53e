/**
 * Defrost detection for alarm suppression. A controller that reports `defrost_on` is believed as is.
 * Without it, a defrost is inferred when the evaporator coil warms by `evaporator_rise_c` inside
 * `window_s` while the compressor is off (the heater warms the coil, which cooling never does), and it
 * ends when the compressor starts again.
 */
import type { FieldValue } from '../reading.js';
import type { DefrostRule } from './rule-schemas.js';

/** Serialisable defrost state of one asset. */
export interface DefrostState {
  active: boolean;
  source: 'controller' | 'inferred' | null;
  start_ms: number | null;
  /** End of the last defrost, ms; the grace period runs from it. */
  end_ms: number | null;
  /** Recent evaporator readings with the compressor off, [time_ms, °C], for inference. */
  evaporator: Array<[number, number]>;
}

/** A defrost period, for report shading. */
export interface DefrostPeriod {
  start_ms: number;
  end_ms: number;
}

export function newDefrostState(): DefrostState {
  return { active: false, source: null, start_ms: null, end_ms: null, evaporator: [] };
}

function start(state: DefrostState, source: 'controller' | 'inferred', time_ms: number): void {
  state.active = true;
  state.source = source;
  state.start_ms = time_ms;
}

function end(state: DefrostState, time_ms: number): DefrostPeriod | null {
  const period = state.start_ms === null ? null : { start_ms: state.start_ms, end_ms: time_ms };
  state.active = false;
  state.end_ms = time_ms;
  state.start_ms = null;
  state.evaporator = [];
  return period;
}

function inferFromCoil(state: DefrostState, rule: DefrostRule, fields: Record<string, FieldValue>, time_ms: number) {
  const evaporator = fields[rule.infer.evaporator_field];
  const compressor = fields[rule.infer.compressor_field];
  if (compressor === true) {
    state.evaporator = [];
    return state.active && state.source === 'inferred' ? end(state, time_ms) : null;
  }
  if (typeof evaporator !== 'number' || compressor !== false || state.active) return null;
  state.evaporator.push([time_ms, evaporator]);
  state.evaporator = state.evaporator.filter(([time]) => time >= time_ms - rule.infer.window_s * 1000);
  let coldest: [number, number] | undefined;
  for (const point of state.evaporator) if (!coldest || point[1] < coldest[1]) coldest = point;
  if (coldest && evaporator - coldest[1] >= rule.infer.evaporator_rise_c) start(state, 'inferred', coldest[0]);
  return null;
}

/**
 * Updates the state from one reading's fields. Returns the defrost period that just ended, if any.
 */
export function updateDefrost(
  state: DefrostState,
  rule: DefrostRule,
  fields: Record<string, FieldValue>,
  time_ms: number,
): DefrostPeriod | null {
  const signal = fields[rule.field];
  if (typeof signal === 'boolean') {
    if (signal && !state.active) start(state, 'controller', time_ms);
    if (!signal && state.active) return end(state, time_ms);
    return null;
  }
  return rule.infer.enabled ? inferFromCoil(state, rule, fields, time_ms) : null;
}

/** Returns true while temperature alarms must wait: during a defrost up to `max_s`, and `grace_s` after it. */
export function isDefrostSuppressing(state: DefrostState, rule: DefrostRule, time_ms: number): boolean {
  if (state.active && state.start_ms !== null) return time_ms - state.start_ms <= rule.max_s * 1000;
  return state.end_ms !== null && time_ms - state.end_ms <= rule.grace_s * 1000;
}

/**
 * Defrost state of each device of one asset, by device id ('' for readings without a `device` tag).
 * Each controller defrosts its own evaporator, so one controller's `defrost_on: false` must not end
 * another's defrost, and coil readings of two evaporators must not form one inference window.
 */
export type DeviceDefrosts = Record<string, DefrostState>;

/** Updates the defrost state of the reading's device. Returns the defrost period that just ended, if any. */
export function updateDeviceDefrost(
  defrosts: DeviceDefrosts,
  rule: DefrostRule,
  device: string,
  fields: Record<string, FieldValue>,
  time_ms: number,
): DefrostPeriod | null {
  let state = defrosts[device];
  if (state === undefined) {
    state = newDefrostState();
    defrosts[device] = state;
  }
  return updateDefrost(state, rule, fields, time_ms);
}

/** Returns true while any device's defrost suppresses, each bounded by `max_s` and `grace_s` on its own. */
export function isAnyDefrostSuppressing(defrosts: DeviceDefrosts, rule: DefrostRule, time_ms: number): boolean {
  return Object.values(defrosts).some((state) => isDefrostSuppressing(state, rule, time_ms));
}

/**
 * Door handling for one asset: an open door suppresses temperature alarms for a while (warm air comes in
 * and leaves again once the door shuts), and a door left open raises its own alarm.
 */
import type { FieldValue } from '../reading.js';
import type { DoorRule } from './rule-schemas.js';
import type { RuleChange } from './threshold-rule.js';

/** Serialisable door state of one asset. */
export interface DoorState {
  /** Time the door was first seen open, ms; null while shut. */
  open_since_ms: number | null;
  /** When the last opening ended, and whether it was short enough to earn a grace period. */
  closed_ms: number | null;
  grace_after_close: boolean;
  alarm_active: boolean;
}

/** A period with the door open, for report shading. */
export interface DoorPeriod {
  start_ms: number;
  end_ms: number;
}

export function newDoorState(): DoorState {
  return { open_since_ms: null, closed_ms: null, grace_after_close: false, alarm_active: false };
}

export interface DoorUpdate {
  change: RuleChange;
  /** Opening that ended with this reading, if any. */
  closed_period: DoorPeriod | null;
}

/**
 * Updates the door from one reading's fields and returns whether the door alarm raises or clears.
 * The alarm raises once the door has been open `max_open_s` and clears as soon as it shuts.
 */
export function updateDoor(
  state: DoorState,
  rule: DoorRule,
  fields: Record<string, FieldValue>,
  time_ms: number,
): DoorUpdate {
  const open = fields[rule.field];
  if (typeof open !== 'boolean') return { change: null, closed_period: null };
  if (open) {
    state.open_since_ms ??= time_ms;
    if (!state.alarm_active && time_ms - state.open_since_ms >= rule.max_open_s * 1000) {
      state.alarm_active = true;
      return { change: 'raise', closed_period: null };
    }
    return { change: null, closed_period: null };
  }
  if (state.open_since_ms === null) return { change: null, closed_period: null };
  const closed_period = { start_ms: state.open_since_ms, end_ms: time_ms };
  state.grace_after_close = time_ms - state.open_since_ms <= rule.suppress_max_s * 1000;
  state.closed_ms = time_ms;
  state.open_since_ms = null;
  const change: RuleChange = state.alarm_active ? 'clear' : null;
  state.alarm_active = false;
  return { change, closed_period };
}

/**
 * Returns true while temperature alarms must wait: while the door has been open at most
 * `suppress_max_s`, and for `grace_s` after an opening that was no longer than that. A door left open
 * longer stops suppressing, so its temperature alarms follow the door alarm.
 */
export function isDoorSuppressing(state: DoorState, rule: DoorRule, time_ms: number): boolean {
  if (state.open_since_ms !== null) return time_ms - state.open_since_ms <= rule.suppress_max_s * 1000;
  return state.grace_after_close && state.closed_ms !== null && time_ms - state.closed_ms <= rule.grace_s * 1000;
}

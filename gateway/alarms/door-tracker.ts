/**
 * Door handling for one asset: an open door suppresses temperature alarms for a while (warm air comes in
 * and leaves again once the door shuts), and a door left open raises its own alarm. The asset's door is
 * open while any of its devices reports it open (see door-switches.ts).
 */
import type { FieldValue } from '../reading.js';
import { type DoorSwitches, recordSwitch, summariseSwitches } from './door-switches.js';
import type { DoorRule } from './rule-schemas.js';
import type { RuleChange } from './threshold-rule.js';

/** Serialisable door state of one asset. */
export interface DoorState {
  /** Last door report of each device. */
  switches: DoorSwitches;
  /** Time the asset's door was first seen open, ms; null while shut. */
  open_since_ms: number | null;
  /** When the last opening ended, and whether it was short enough to earn a grace period. */
  closed_ms: number | null;
  grace_after_close: boolean;
  /**
   * First opening of the current suppression episode, ms; null before any opening. An opening that
   * starts while the previous one still suppresses belongs to the same episode.
   */
  episode_start_ms: number | null;
  alarm_active: boolean;
}

/** A period with the door open, for report shading. */
export interface DoorPeriod {
  start_ms: number;
  end_ms: number;
}

export function newDoorState(): DoorState {
  return {
    switches: {},
    open_since_ms: null,
    closed_ms: null,
    grace_after_close: false,
    episode_start_ms: null,
    alarm_active: false,
  };
}

/**
 * Fills in the fields that door states saved by older versions lack. Their episode starts at the saved
 * opening or close, so a grace that was running at the save stays bounded.
 */
export function restoreDoorState(saved: DoorState): DoorState {
  saved.switches ??= {};
  saved.episode_start_ms ??= saved.open_since_ms ?? saved.closed_ms;
  return saved;
}

export interface DoorUpdate {
  change: RuleChange;
  /** Opening that ended with this reading, if any. */
  closed_period: DoorPeriod | null;
}

/** Door reading of one device, with the age at which an open report goes stale. */
export interface DoorReport {
  /** Device id of the reading, '' without a `device` tag. */
  device: string;
  fields: Record<string, FieldValue>;
  time_ms: number;
  /** A device's open report older than this no longer keeps the door open, ms. */
  stale_after_ms: number;
}

/** Returns the suppression cap of one episode, ms. */
function episodeCapMs(rule: DoorRule): number {
  return (rule.suppress_total_max_s ?? rule.suppress_max_s + rule.grace_s) * 1000;
}

function isInGrace(state: DoorState, rule: DoorRule, time_ms: number): boolean {
  return state.grace_after_close && state.closed_ms !== null && time_ms - state.closed_ms <= rule.grace_s * 1000;
}

function startOpening(state: DoorState, rule: DoorRule, time_ms: number): void {
  if (state.episode_start_ms === null || !isInGrace(state, rule, time_ms)) state.episode_start_ms = time_ms;
  state.open_since_ms = time_ms;
}

/**
 * Ends the current opening. Only an opening that a device reported shut, and that lasted at most
 * `suppress_max_s`, earns the grace period, because a stale report does not show when the door shut.
 */
function endOpening(state: DoorState, rule: DoorRule, time_ms: number, reported_shut: boolean): DoorPeriod {
  const start_ms = state.open_since_ms ?? time_ms;
  state.grace_after_close = reported_shut && time_ms - start_ms <= rule.suppress_max_s * 1000;
  state.closed_ms = time_ms;
  state.open_since_ms = null;
  return { start_ms, end_ms: time_ms };
}

/**
 * Updates the door from one reading and returns whether the door alarm raises or clears. The alarm
 * raises once the asset's door has been open `max_open_s`. It clears when no device reports the door
 * open any more, and not when an open report merely goes stale, because the gateway did not see the
 * door shut.
 */
export function updateDoor(state: DoorState, rule: DoorRule, report: DoorReport): DoorUpdate {
  const { time_ms } = report;
  const open = report.fields[rule.field];
  if (typeof open === 'boolean') recordSwitch(state.switches, report.device, open, time_ms);
  // A state saved by an older version has no switches: it keeps its door until a device reports one.
  else if (Object.keys(state.switches).length === 0) return { change: null, closed_period: null };

  const summary = summariseSwitches(state.switches, time_ms, report.stale_after_ms);
  if (summary.open) {
    if (state.open_since_ms === null) startOpening(state, rule, time_ms);
    const open_ms = time_ms - (state.open_since_ms ?? time_ms);
    if (!state.alarm_active && open_ms >= rule.max_open_s * 1000) {
      state.alarm_active = true;
      return { change: 'raise', closed_period: null };
    }
    return { change: null, closed_period: null };
  }
  const closed_period = state.open_since_ms === null ? null : endOpening(state, rule, time_ms, !summary.reported_open);
  if (state.alarm_active && !summary.reported_open) {
    state.alarm_active = false;
    return { change: 'clear', closed_period };
  }
  return { change: null, closed_period };
}

/**
 * Returns true while temperature alarms must wait: while the door has been open at most
 * `suppress_max_s`, and for `grace_s` after an opening that was no longer than that, but never longer
 * than the episode cap (`suppress_total_max_s`) after the episode's first opening. A door left open
 * longer stops suppressing, so its temperature alarms follow the door alarm, and a delivery tour that
 * reopens the door before each grace ends stops suppressing at the cap.
 */
export function isDoorSuppressing(state: DoorState, rule: DoorRule, time_ms: number): boolean {
  if (state.episode_start_ms !== null && time_ms - state.episode_start_ms > episodeCapMs(rule)) return false;
  if (state.open_since_ms !== null) return time_ms - state.open_since_ms <= rule.suppress_max_s * 1000;
  return isInGrace(state, rule, time_ms);
}

import type { ColdRoomState } from './physics/cold-room-model.js';

/** Alarm thresholds of the simulated controller. */
export interface AlarmSettings {
  /** High-temperature alarm above setpoint + this offset, K. Default 4. */
  high_offset_k: number;
  /** Low-temperature alarm below setpoint − this offset, K. Default 3. */
  low_offset_k: number;
  /** Time a limit must be exceeded before its alarm goes on, s. Default 900. */
  delay_s: number;
  /** Time after a defrost during which the high alarm is held off, s. Default 1800. */
  after_defrost_s: number;
}

export const DEFAULT_ALARM_SETTINGS: AlarmSettings = {
  high_offset_k: 4,
  low_offset_k: 3,
  delay_s: 900,
  after_defrost_s: 1800,
};

/**
 * Delayed high and low temperature alarms as a room controller raises them: a limit must be exceeded for
 * `delay_s`, and the high alarm is held off during defrost and for `after_defrost_s` after it.
 */
export class TemperatureAlarms {
  high = false;
  low = false;
  private high_since_ms: number | null = null;
  private low_since_ms: number | null = null;
  private last_defrost_ms = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: AlarmSettings = DEFAULT_ALARM_SETTINGS) {}

  /** Updates both alarms from the model state and its setpoint. */
  update(state: ColdRoomState, setpoint_c: number): void {
    const now = state.time_ms;
    if (state.phase !== 'cooling') this.last_defrost_ms = now;
    const held_off = now - this.last_defrost_ms < this.settings.after_defrost_s * 1000;
    const above = !held_off && state.air_c > setpoint_c + this.settings.high_offset_k;
    const below = state.air_c < setpoint_c - this.settings.low_offset_k;
    this.high_since_ms = above ? (this.high_since_ms ?? now) : null;
    this.low_since_ms = below ? (this.low_since_ms ?? now) : null;
    const delay_ms = this.settings.delay_s * 1000;
    this.high = this.high_since_ms !== null && now - this.high_since_ms >= delay_ms;
    this.low = this.low_since_ms !== null && now - this.low_since_ms >= delay_ms;
  }
}

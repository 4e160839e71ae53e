import { ambientTemperatureC } from './ambient.js';
import type { ColdRoomParams } from './cold-room-params.js';
import { doorInfiltrationW } from './door-infiltration.js';
import { Prng } from './prng.js';

/** Maximum explicit Euler sub-step, s. The fastest node (the coil) has a time constant above 20 s. */
const MAX_SUBSTEP_S = 1;
/** Time constant with which relative humidity follows its target, s. */
const RH_TIME_CONSTANT_S = 600;
/** Relative humidity the air tends to while the door is open or frost melts, %. */
const RH_WET_PCT = 97;

/** Refrigeration phase: normal thermostat control, heater defrost, or drip after defrost. */
export type RefrigerationPhase = 'cooling' | 'defrost' | 'drip';

/** Everything the model exposes at one instant. */
export interface ColdRoomState {
  /** Simulated time, integer milliseconds since the epoch. */
  time_ms: number;
  air_c: number;
  product_c: number;
  evaporator_c: number;
  ambient_c: number;
  rh_pct: number;
  compressor_on: boolean;
  fans_on: boolean;
  door_open: boolean;
  phase: RefrigerationPhase;
  /** Electrical input of the compressor, kW (0 when stopped). */
  compressor_power_kw: number;
  /** Total compressor run time since the model started, s. */
  compressor_run_s: number;
}

export interface ColdRoomModelOptions {
  /** Seed of the door-opening process. Default 1. */
  seed?: number;
  /** Simulated time of the first state, integer ms since the epoch. Default 0. */
  start_ms?: number;
  /** Initial air and coil temperature, °C. Default: the setpoint (steady state). */
  initial_c?: number;
  /** Initial product temperature, °C. Default: `initial_c`. */
  initial_product_c?: number;
  /** Delay before the first defrost, s. Default: a seeded random share of `defrost_interval_s`. */
  first_defrost_s?: number;
}

/**
 * Lumped three-node model of a refrigerated space: air, product and evaporator coil, each with one heat
 * capacity. Wall gain U·A·(T_ambient − T_air), door infiltration and internal loads warm the air. An on/off
 * compressor under a thermostat with differential and anti-short-cycle delay cools the coil, and a timed
 * heater defrosts it. Advance it with `step(dt_s)`. It is deterministic for a given seed and step sequence.
 */
export class ColdRoomModel {
  readonly params: ColdRoomParams;
  private readonly prng: Prng;
  private readonly start_ms: number;
  private elapsed_s = 0;
  private air_c: number;
  private product_c: number;
  private evaporator_c: number;
  private rh_pct: number;
  private compressor_on = false;
  private compressor_off_since_s = Number.NEGATIVE_INFINITY;
  private compressor_run_s = 0;
  private refrigeration_enabled = true;
  private phase: RefrigerationPhase = 'cooling';
  private phase_end_s = 0;
  private next_defrost_s: number;
  private frost_j = 0;
  private door_open_until_s = Number.NEGATIVE_INFINITY;
  private next_random_door_s: number;

  constructor(params: ColdRoomParams, options: ColdRoomModelOptions = {}) {
    this.params = { ...params };
    this.prng = new Prng(options.seed ?? 1);
    this.start_ms = options.start_ms ?? 0;
    const initial_c = options.initial_c ?? params.setpoint_c;
    this.air_c = initial_c;
    this.product_c = options.initial_product_c ?? initial_c;
    this.evaporator_c = initial_c;
    this.rh_pct = params.rh_idle_pct;
    this.next_defrost_s = options.first_defrost_s ?? this.prng.uniform(0.2, 1) * params.defrost_interval_s;
    this.next_random_door_s = this.drawNextDoorOpening(0);
  }

  /** Changes the thermostat setpoint, °C. */
  setSetpoint(setpoint_c: number): void {
    this.params.setpoint_c = setpoint_c;
  }

  /** Changes the thermostat differential, K. */
  setDifferential(differential_k: number): void {
    this.params.differential_k = differential_k;
  }

  /**
   * Switches the refrigeration unit on or off, as a reefer's door switch does: while off, the compressor
   * stays stopped and the thermostat does not start it.
   */
  setRefrigerationEnabled(enabled: boolean): void {
    this.refrigeration_enabled = enabled;
    if (!enabled) this.stopCompressor();
  }

  /** Opens the door now for `duration_s` seconds (or keeps it open that much longer). */
  openDoor(duration_s: number): void {
    this.door_open_until_s = Math.max(this.door_open_until_s, this.elapsed_s + duration_s);
  }

  /** Advances the model by `dt_s` simulated seconds, in sub-steps of at most one second. */
  step(dt_s: number): void {
    let remaining_s = dt_s;
    while (remaining_s > 1e-9) {
      const h = Math.min(MAX_SUBSTEP_S, remaining_s);
      this.advance(h);
      remaining_s -= h;
    }
  }

  get state(): ColdRoomState {
    return {
      time_ms: this.timeMs(),
      air_c: this.air_c,
      product_c: this.product_c,
      evaporator_c: this.evaporator_c,
      ambient_c: ambientTemperatureC(this.params, this.timeMs()),
      rh_pct: this.rh_pct,
      compressor_on: this.compressor_on,
      fans_on: this.phase === 'cooling',
      door_open: this.isDoorOpen(),
      phase: this.phase,
      compressor_power_kw: this.compressor_on ? this.compressorPowerW(this.ambientC()) / 1000 : 0,
      compressor_run_s: this.compressor_run_s,
    };
  }

  private timeMs(): number {
    return this.start_ms + Math.round(this.elapsed_s * 1000);
  }

  private ambientC(): number {
    return ambientTemperatureC(this.params, this.timeMs());
  }

  private isDoorOpen(): boolean {
    return this.elapsed_s < this.door_open_until_s;
  }

  private drawNextDoorOpening(after_s: number): number {
    const rate_per_s = this.params.door_openings_per_h / 3600;
    return rate_per_s > 0 ? after_s + this.prng.exponential(rate_per_s) : Number.POSITIVE_INFINITY;
  }

  private advance(h: number): void {
    this.updateDoor();
    this.updatePhase();
    this.updateThermostat();
    this.integrate(h);
    this.elapsed_s += h;
  }

  private updateDoor(): void {
    if (this.elapsed_s < this.next_random_door_s) return;
    const { door_open_min_s, door_open_max_s } = this.params;
    this.openDoor(this.prng.uniform(door_open_min_s, door_open_max_s));
    this.next_random_door_s = this.drawNextDoorOpening(this.elapsed_s);
  }

  /** Moves between cooling, defrost and drip: defrost ends at the coil end temperature or the time limit. */
  private updatePhase(): void {
    const p = this.params;
    if (this.phase === 'cooling' && p.defrost_interval_s > 0 && this.elapsed_s >= this.next_defrost_s) {
      this.phase = 'defrost';
      this.phase_end_s = this.elapsed_s + p.defrost_max_s;
      this.next_defrost_s = this.elapsed_s + p.defrost_interval_s;
      this.stopCompressor();
    } else if (this.phase === 'defrost') {
      const coil_clear = this.frost_j <= 0 && this.evaporator_c >= p.defrost_end_evaporator_c;
      if (coil_clear || this.elapsed_s >= this.phase_end_s) {
        this.phase = 'drip';
        this.phase_end_s = this.elapsed_s + p.drip_s;
      }
    } else if (this.phase === 'drip' && this.elapsed_s >= this.phase_end_s) {
      this.phase = 'cooling';
    }
  }

  /** Starts the compressor at setpoint + differential/2 (after the off delay) and stops it at setpoint − differential/2. */
  private updateThermostat(): void {
    if (this.phase !== 'cooling' || !this.refrigeration_enabled) return;
    const half_k = this.params.differential_k / 2;
    if (this.compressor_on && this.air_c <= this.params.setpoint_c - half_k) {
      this.stopCompressor();
    } else if (!this.compressor_on && this.air_c >= this.params.setpoint_c + half_k) {
      if (this.elapsed_s - this.compressor_off_since_s >= this.params.min_off_s) this.compressor_on = true;
    }
  }

  private stopCompressor(): void {
    if (!this.compressor_on) return;
    this.compressor_on = false;
    this.compressor_off_since_s = this.elapsed_s;
  }

  private capacityW(ambient_c: number): number {
    const p = this.params;
    const factor = 1 - p.capacity_loss_per_k * (ambient_c - p.rated_ambient_c);
    return p.rated_capacity_w * Math.max(0.3, factor);
  }

  private compressorPowerW(ambient_c: number): number {
    const p = this.params;
    const cop = p.rated_cop * Math.max(0.3, 1 - p.cop_loss_per_k * (ambient_c - p.rated_ambient_c));
    return this.capacityW(ambient_c) / cop;
  }

  private integrate(h: number): void {
    const p = this.params;
    const ambient_c = this.ambientC();
    const fans_on = this.phase === 'cooling';
    const heater_w = this.phase === 'defrost' ? p.defrost_heater_w : 0;
    const coil_ua = p.evaporator_ua_w_per_k * (fans_on ? 1 : p.evaporator_natural_share);
    const coil_to_air_w = coil_ua * (this.evaporator_c - this.air_c);
    const product_to_air_w = p.product_ua_w_per_k * (this.product_c - this.air_c);
    const door_w = this.isDoorOpen() ? doorInfiltrationW(p, this.air_c, ambient_c) : 0;
    const air_gain_w =
      p.wall_ua_w_per_k * (ambient_c - this.air_c) +
      p.internal_load_w +
      (fans_on ? p.fan_power_w : 0) +
      door_w +
      coil_to_air_w +
      product_to_air_w +
      heater_w * p.defrost_heater_to_air_share;
    const coil_gain_w =
      heater_w * (1 - p.defrost_heater_to_air_share) -
      coil_to_air_w -
      (this.compressor_on ? this.capacityW(ambient_c) : 0);

    this.air_c += (air_gain_w * h) / p.air_capacity_j_per_k;
    this.product_c -= (product_to_air_w * h) / p.product_capacity_j_per_k;
    this.integrateCoil(coil_gain_w, h);
    this.integrateHumidity(h);
    if (this.compressor_on) {
      this.compressor_run_s += h;
      this.frost_j += (p.frost_j_per_run_h * h) / 3600;
    }
  }

  /** Warms or cools the coil; while frost remains, heat that would lift the coil above 0 °C melts frost. */
  private integrateCoil(coil_gain_w: number, h: number): void {
    const next_c = this.evaporator_c + (coil_gain_w * h) / this.params.evaporator_capacity_j_per_k;
    if (next_c > 0 && this.frost_j > 0) {
      const melt_j = (next_c - Math.max(this.evaporator_c, 0)) * this.params.evaporator_capacity_j_per_k;
      this.frost_j = Math.max(0, this.frost_j - melt_j);
      this.evaporator_c = Math.min(next_c, Math.max(this.evaporator_c, 0));
      return;
    }
    this.evaporator_c = next_c;
  }

  private integrateHumidity(h: number): void {
    const p = this.params;
    let target_pct = p.rh_idle_pct - (this.compressor_on ? p.rh_cooling_drop_pct : 0);
    if (this.isDoorOpen() || this.phase !== 'cooling') target_pct = RH_WET_PCT;
    this.rh_pct += ((target_pct - this.rh_pct) * h) / RH_TIME_CONSTANT_S;
  }
}

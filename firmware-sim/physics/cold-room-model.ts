import { ambientTemperatureC } from './ambient.js';
import type { ColdRoomParams } from './cold-room-params.js';
import type { ColdRoomModelOptions, ColdRoomState, RefrigerationPhase } from './cold-room-state.js';
import { doorInfiltrationW } from './door-infiltration.js';
import { Prng } from './prng.js';
import { capacityW, compressorPowerW } from './refrigeration-unit.js';

export type { ColdRoomModelOptions, ColdRoomState, RefrigerationPhase } from './cold-room-state.js';

/** Maximum explicit Euler sub-step, s. The fastest node (the coil) has a time constant above 20 s. */
const MAX_SUBSTEP_S = 1;
/** Time constant with which relative humidity follows its target, s. */
const RH_TIME_CONSTANT_S = 600;
/** Relative humidity the air tends to while the door is open or frost melts, %. */
const RH_WET_PCT = 97;

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
  private energy_j = 0;
  private powered = true;
  private compressor_failed = false;
  private defrost_stuck = false;
  private ambient_offset_k = 0;

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

  /** Breaks or repairs the compressor. A broken one never starts, while fans and defrost work as before. */
  setCompressorFailed(failed: boolean): void {
    this.compressor_failed = failed;
    if (failed) this.stopCompressor();
  }

  /**
   * Holds the defrost heater on (a welded contactor) or releases it. While stuck the room stays in
   * defrost whatever the coil temperature or `defrost_max_s`; on release the normal drip follows.
   */
  setDefrostStuck(stuck: boolean): void {
    this.defrost_stuck = stuck;
    if (stuck && this.phase !== 'defrost') this.enterDefrost();
    if (!stuck && this.phase === 'defrost') this.phase_end_s = this.elapsed_s;
  }

  /**
   * Cuts or restores the supply. Without power the compressor, fans and heater stop and the thermostat
   * is dead. On restore the compressor waits out `min_off_s` from the cut, as the anti-short-cycle timer does.
   */
  setPowered(powered: boolean): void {
    this.powered = powered;
    if (!powered) this.stopCompressor();
  }

  /** Sets the outdoor temperature relative to the daily sine, K (a truck parked in a hot town centre). */
  setAmbientOffset(offset_k: number): void {
    this.ambient_offset_k = offset_k;
  }

  /**
   * Brings `kg` of product at `temp_c` in with specific heat `specific_heat_j_per_kgk`. The load mixes
   * into the product node at once (one lump), so the product temperature jumps to the mass-weighted mean.
   */
  loadProduct(kg: number, temp_c: number, specific_heat_j_per_kgk: number): void {
    const added_j_per_k = kg * specific_heat_j_per_kgk;
    const total_j_per_k = this.params.product_capacity_j_per_k + added_j_per_k;
    if (total_j_per_k <= 0) return;
    this.product_c = (this.params.product_capacity_j_per_k * this.product_c + added_j_per_k * temp_c) / total_j_per_k;
    this.params.product_capacity_j_per_k = total_j_per_k;
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

  /**
   * Advances the model to `time_ms` (epoch ms) unless it is there already, so several devices that watch
   * one room can share its model. Whole-second targets give the same sub-steps whoever advances first.
   */
  advanceTo(time_ms: number): void {
    const dt_s = (time_ms - this.timeMs()) / 1000;
    if (dt_s > 0) this.step(dt_s);
  }

  get state(): ColdRoomState {
    return {
      time_ms: this.timeMs(),
      air_c: this.air_c,
      product_c: this.product_c,
      evaporator_c: this.evaporator_c,
      ambient_c: this.ambientC(),
      rh_pct: this.rh_pct,
      compressor_on: this.compressor_on,
      fans_on: this.fansOn(),
      door_open: this.isDoorOpen(),
      phase: this.phase,
      compressor_power_kw: this.compressor_on ? compressorPowerW(this.params, this.ambientC()) / 1000 : 0,
      compressor_run_s: this.compressor_run_s,
      energy_kwh: this.energy_j / 3_600_000,
      powered: this.powered,
      compressor_failed: this.compressor_failed,
    };
  }

  private timeMs(): number {
    return this.start_ms + Math.round(this.elapsed_s * 1000);
  }

  private ambientC(): number {
    return ambientTemperatureC(this.params, this.timeMs()) + this.ambient_offset_k;
  }

  private fansOn(): boolean {
    return this.powered && this.phase === 'cooling';
  }

  private heaterW(): number {
    return this.powered && this.phase === 'defrost' ? this.params.defrost_heater_w : 0;
  }

  private enterDefrost(): void {
    this.phase = 'defrost';
    this.phase_end_s = this.elapsed_s + this.params.defrost_max_s;
    this.stopCompressor();
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
      this.enterDefrost();
      this.next_defrost_s = this.elapsed_s + p.defrost_interval_s;
    } else if (this.phase === 'defrost' && this.defrost_stuck) {
      this.phase_end_s = Math.max(this.phase_end_s, this.elapsed_s + 1);
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
    if (this.phase !== 'cooling' || !this.refrigeration_enabled || !this.powered || this.compressor_failed) return;
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

  private integrate(h: number): void {
    const p = this.params;
    const ambient_c = this.ambientC();
    const fans_on = this.fansOn();
    const heater_w = this.heaterW();
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
      (this.compressor_on ? capacityW(p, ambient_c) : 0);

    this.air_c += (air_gain_w * h) / p.air_capacity_j_per_k;
    this.product_c -= (product_to_air_w * h) / p.product_capacity_j_per_k;
    this.integrateCoil(coil_gain_w, h);
    this.integrateHumidity(h);
    const compressor_w = this.compressor_on ? compressorPowerW(p, ambient_c) : 0;
    this.energy_j += (compressor_w + (fans_on ? p.fan_power_w : 0) + heater_w) * h;
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
    if (this.isDoorOpen() || (this.phase !== 'cooling' && this.powered)) target_pct = RH_WET_PCT;
    this.rh_pct += ((target_pct - this.rh_pct) * h) / RH_TIME_CONSTANT_S;
  }
}

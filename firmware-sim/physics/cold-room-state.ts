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
  /** Electrical energy of compressor, fans and defrost heater since the model started, kWh. */
  energy_kwh: number;
  /** False during a power cut: nothing runs. */
  powered: boolean;
  /** True while the compressor is broken and cannot start. */
  compressor_failed: boolean;
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
